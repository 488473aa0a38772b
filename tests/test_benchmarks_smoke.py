"""The benchmarks at toy sizes, so their code cannot rot: every figure is there and makes sense.

No timing is asserted here; the goals are checked by ``uv run python -m benchmarks``.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from benchmarks import (
    freshness,
    hub,
    hub_failover,
    memory,
    open_thread,
    push,
    simulator,
    startup,
    terminal_app,
    ui_scale,
    webhooks,
)
from benchmarks.figures import Figure, as_json, percentile, table, with_ratios


def by_key(figures: list[Figure]) -> dict[str, float]:
    values = {figure.key: figure.value for figure in figures}
    assert len(values) == len(figures), "a key is reported twice"
    return values


def test_percentile_is_nearest_rank() -> None:
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 101)], 0.99) == 99.0
    assert math.isnan(percentile([], 0.5))


def test_table_and_json_carry_goals_and_baselines() -> None:
    figures = [Figure("a_ms", 120.0, "ms", goal=100, baseline=60.0), Figure("b", 1.0)]
    assert "MISSED" in table(figures)
    assert as_json(figures) == {"a_ms": 120.0, "a_ms_goal": 100, "a_ms_baseline": 60.0, "b": 1.0}


def test_a_quick_runs_ratios_are_marked_indicative_and_not_judged() -> None:
    ratio = freshness.indicative(Figure("freshness_calls_p50_ratio", 1.3, "x", goal=1.2))
    assert ratio.met is None and "indicative" in table([ratio])
    assert freshness.indicative(Figure("freshness_calls_p50_s", 2.0, "s")).note == ""


def test_machine_dependent_figures_also_come_as_ratios_to_their_baseline() -> None:
    figures = with_ratios([Figure("ui_key_p99_ms", 3.0, "ms", baseline=12.0), Figure("import_ms", 9.0)])
    assert by_key(figures) == {"ui_key_p99_ms": 3.0, "ui_key_p99_ratio": 0.25, "import_ms": 9.0}


async def test_freshness_on_a_short_morning() -> None:
    figures = by_key(await freshness.measure(freshness.DAY_START + timedelta(hours=2), timedelta(minutes=10)))
    for key in (
        "freshness_calls_p50_s",
        "freshness_calls_p99_s",
        "freshness_calls_p50_ratio",
        "freshness_texts_p50_s",
        "budget_max_hour",
        "budget_max_day",
        "self_429s",
        "baseline_calls_p50_s",
    ):
        assert key in figures
    assert figures["freshness_calls"] > 0
    assert 0 < figures["freshness_calls_p50_s"] <= figures["freshness_calls_p99_s"]
    # the best is an average over a cycle; a ten-minute sample of a few calls can land below it
    assert 0 < figures["freshness_calls_p50_ratio"] < 10
    assert 0 < figures["budget_max_hour"] <= figures["budget_max_day"] <= figures["freshness_requests"]
    assert figures["self_429s"] == 0


async def test_freshness_on_the_start_of_an_agency_day() -> None:
    figures = by_key(
        await freshness.measure_agency(freshness.DAY_START - timedelta(minutes=5), timedelta(minutes=15))
    )
    assert figures["freshness_agency_calls_missed"] == 0
    assert 0 < figures["freshness_agency_p50_s"] <= figures["freshness_agency_worst_hour_p50_s"]
    assert 0 < figures["freshness_agency_max_hour"] <= figures["freshness_agency_max_day"]
    assert figures["freshness_agency_calls"] > 0 and figures["freshness_agency_hours"] == 1
    assert (
        0
        < figures["freshness_agency_worst_hour_p50_s"]
        == pytest.approx(figures["freshness_agency_p50_ratio"] * 5.4)
    )
    # before the first company opens, one poll every few minutes; never a longer gap
    assert 60 < figures["freshness_24h_max_gap_s"] <= 300
    assert figures["freshness_agency_429s"] == 0


async def test_ui_scale_with_a_small_feed() -> None:
    figures = by_key(await ui_scale.measure(count=300, presses=6, transcript_size=20_000, conversations=100))
    for key in (
        "ui_merge_max_stall_ms",
        "ui_key_p99_ms",
        "ui_open_big_transcript_ms",
        "ui_texts_show_ms",
        "ui_texts_key_p99_ms",
    ):
        assert 0 < figures[key] < 60_000


def test_startup_with_a_small_store() -> None:
    figures = by_key(startup.measure(runs=1, calls=50, conversations=5))
    assert 0 < figures["import_ms"] < figures["startup_ms"] <= figures["startup_full_load_ms"] < 60_000
    assert 0 < figures["startup_ratio"] < 100


def test_an_app_in_a_pseudo_terminal_is_read_once_it_shows_what_was_asked() -> None:
    from tests.web.serving import TINY_APP

    assert terminal_app.rss_once_shown(TINY_APP, (100, 30), lambda text: "tiny app ready" in text) > 10
    with pytest.raises(RuntimeError, match="never showed"):
        terminal_app.rss_once_shown(TINY_APP, (100, 30), lambda text: "never on screen" in text, timeout=1)


def test_memory_over_two_small_days() -> None:
    figures = by_key(memory.measure(calls=60, texts=20, tick=timedelta(minutes=10)))
    assert 20 < figures["rss_mb"] < 2_000
    # the second day replaces the first in memory (a call exactly on the 24 h line may stay)
    assert 60 <= figures["rss_calls_held"] <= 61
    # and the second day's conversations replace the first's (the feed has 700 of them a day at most)
    assert 0 < figures["rss_conversations_held"] <= 21
    assert -100 < figures["rss_growth_pct"] < 1_000


def test_the_simulator_day_reports_itself_against_writing_it_out() -> None:
    day_ms, write_ms = simulator.one_day()
    assert day_ms > 0 and write_ms > 0
    [figure] = simulator.run(quick=True)
    assert figure.key == "sim_day_ms" and figure.goal == simulator.DAY_GOAL_MS and figure.baseline


async def test_webhooks_at_a_toy_size() -> None:
    figures = by_key(await webhooks.measure(20, 60))
    assert figures["webhook_ingest_lost"] == 0
    assert 0 < figures["webhook_answer_p50_ms"] <= figures["webhook_answer_p99_ms"]
    assert figures["webhook_ingest_per_s"] > 0 and figures["webhook_merge_us"] > 0


def test_a_floor_goal_is_met_from_above() -> None:
    assert Figure("rate", 600, "/s", goal=500, at_least=True).met is True
    assert Figure("rate", 400, "/s", goal=500, at_least=True).met is False
    assert ">= 500" in table([Figure("rate", 600, "/s", goal=500, at_least=True)])


async def test_push_against_polling_at_a_toy_size() -> None:
    start = push.DAY_START + timedelta(hours=2)
    figures = by_key(await push.measure(start, timedelta(minutes=10), timedelta(minutes=3)))
    assert (
        figures["webhook_timed"] > 0
        and 0 < figures["webhook_calls_p50_ms"] <= figures["webhook_calls_p99_ms"]
    )
    assert figures["webhook_requests_ratio"] < 1  # push spends fewer requests than polling, even briefly
    assert figures["webhook_calls_missed"] == figures["webhook_texts_missed"] == 0


def test_hub_with_two_viewers_for_a_quarter_hour() -> None:
    figures = by_key(hub.measure(0.25, viewers=2))
    assert figures["hub_requests_ratio_25_viewers"] == 1.0  # one poll and one detail read for all
    assert figures["hub_fanout_events"] > 0 and figures["hub_fanout_p99_ms"] > 0
    assert 20 < figures["hub_viewer_rss_mb"] < 2_000


async def test_an_open_thread_on_a_short_morning() -> None:
    best = freshness.best_p50_s(timedelta(hours=10))
    figures = by_key(
        await open_thread.measure(
            freshness.ten_hour_day, freshness.DAY_START + timedelta(hours=2), timedelta(minutes=20), best
        )
    )
    assert 0 < figures["texts_open_thread_replies"] <= figures["texts_open_thread_opened"]
    assert (
        0 < figures["texts_open_thread_p50_s"] == pytest.approx(figures["texts_open_thread_p50_ratio"] * best)
    )


def test_a_quick_runs_texts_figures_are_indicative_too() -> None:
    for key in freshness.FEW_TEXTS:
        figure = freshness.indicative(Figure(key, 12.0, "s", goal=10.0))
        assert figure.goal is None and figure.met is None


async def test_hub_failover_with_two_viewers_and_a_short_lease() -> None:
    figures = by_key(
        await hub_failover.measure(hours_before=0.01, hours_after=0.01, viewers=2, lease_ttl_s=1.0)
    )
    assert figures["hub_failover_s"] > 0
    assert figures["hub_failover_reconnects"] >= 1  # the dead replica's viewer resumed on the other
    assert figures["hub_events_lost"] == 0
    assert figures["hub_texts_duplicated"] == 0
