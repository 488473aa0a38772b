"""The benchmarks at toy sizes, so their code cannot rot: every figure is there and makes sense.

No timing is asserted here; the goals are checked by ``uv run python -m benchmarks``.
"""

from __future__ import annotations

import math
from datetime import timedelta

from benchmarks import freshness, memory, startup, ui_scale, webhooks
from benchmarks.figures import Figure, as_json, percentile, table


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


async def test_ui_scale_with_a_small_feed() -> None:
    figures = by_key(await ui_scale.measure(count=300, presses=6, transcript_size=20_000))
    for key in ("ui_merge_max_stall_ms", "ui_key_p99_ms", "ui_open_big_transcript_ms"):
        assert 0 < figures[key] < 60_000


def test_startup_with_a_small_store() -> None:
    figures = by_key(startup.measure(runs=1, calls=50, conversations=5))
    assert 0 < figures["import_ms"] < figures["startup_ms"] < 60_000


def test_memory_over_two_small_days() -> None:
    figures = by_key(memory.measure(calls=60, texts=20))
    assert 20 < figures["rss_mb"] < 2_000
    # the second day replaces the first in memory (a call exactly on the 24 h line may stay)
    assert 60 <= figures["rss_calls_held"] <= 61
    assert -100 < figures["rss_growth_pct"] < 1_000


async def test_webhooks_at_a_toy_size() -> None:
    figures = by_key(await webhooks.measure(20))
    assert figures["webhook_kept"] == 20
    assert 0 < figures["webhook_answer_p50_ms"] <= figures["webhook_answer_p99_ms"]
    assert figures["webhook_accepted_per_s"] > 0 and figures["webhook_merge_us"] > 0
