"""The scenario: a realistic, deterministic day, and calls that progress as CallRail's do."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from conftest import START, client_for

from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.sim.scripts import REASONS
from tui.sim.state import Outcome

DAY = 24 * 3600


def a_day_of(sim: Simulator, clock: ManualClock) -> None:
    """(How fast a day advances is the ``simulator`` benchmark's figure.)"""
    clock.advance(DAY)
    sim.advance()


def test_a_day_looks_like_a_business_day(sim, clock):
    a_day_of(sim, clock)
    account = sim.account
    started = [
        sim.account.calls_by_id[e.id]
        for e in sim.events
        if e.kind == "call_started" and e.id in account.calls_by_id
    ]
    assert 200 <= len(started) <= 450
    local_hours = Counter(
        call.started_at.astimezone(ZoneInfo(account.companies[call.company_id].time_zone)).hour
        for call in started
    )
    business = sum(local_hours[h] for h in range(8, 18))
    night = sum(local_hours[h] for h in range(0, 6))
    assert business > 0.75 * len(started)
    assert night < 0.05 * len(started)
    assert len({call.company_id for call in started}) == 4
    outcomes = Counter(call.outcome for call in started)
    assert outcomes[Outcome.ANSWERED] > outcomes[Outcome.MISSED] > 0
    assert outcomes[Outcome.VOICEMAIL] > 0 and outcomes[Outcome.ABANDONED] > 0
    assert any(not call.first_call for call in started)
    kinds = Counter(e.kind for e in sim.events)
    assert kinds["text_in"] > 10 and kinds["text_out"] > 5


def test_call_lifecycle_timing(sim, clock):
    a_day_of(sim, clock)
    at = {(e.kind, e.id): e.at for e in sim.events}
    for call in sim.account.calls:
        if ("call_started", call.id) not in at or ("call_ended", call.id) not in at:
            continue
        assert at[("call_ended", call.id)] - at[("call_started", call.id)] == call.ended_at - call.started_at
        enriched = at.get(("call_enriched", call.id))
        if call.ended_at > clock.now() - timedelta(minutes=20):
            continue
        if call.outcome in (Outcome.ANSWERED, Outcome.VOICEMAIL):
            assert enriched is not None
            assert timedelta(minutes=1) <= enriched - call.ended_at <= timedelta(minutes=20)
        else:
            assert enriched is None


def test_repeat_callers_are_counted():
    sim = Simulator(SimConfig(), clock=ManualClock(START))
    by_number: dict[tuple, list] = {}
    for call in sim.account.calls:
        by_number.setdefault((call.company_id, call.customer.phone), []).append(call)
    repeaters = [calls for calls in by_number.values() if len(calls) > 1]
    assert repeaters
    for calls in by_number.values():
        calls.sort(key=lambda c: c.started_at)
        first = calls[0].prior_calls
        assert [c.prior_calls for c in calls] == list(range(first, first + len(calls)))
        assert all(c.first_call == (c.prior_calls == 0) for c in calls)


def test_same_seed_same_world_however_the_clock_moves():
    one, two = ManualClock(START), ManualClock(START)
    a, b = Simulator(SimConfig(seed=11), clock=one), Simulator(SimConfig(seed=11), clock=two)
    one.advance(6 * 3600)
    a.advance()
    for _ in range(36):
        two.advance(600)
        b.advance()
    assert [c.id for c in a.account.calls] == [c.id for c in b.account.calls]
    assert [(c.phase, c.lead_status, c.tag_ids) for c in a.account.calls] == [
        (c.phase, c.lead_status, c.tag_ids) for c in b.account.calls
    ]
    assert sorted(a.account.conversations) == sorted(b.account.conversations)
    assert a.events == b.events
    other = Simulator(SimConfig(seed=12), clock=ManualClock(START))
    assert [c.id for c in other.account.calls] != [c.id for c in a.account.calls]


def test_call_volume_scales_the_day():
    quiet = Simulator(SimConfig(call_volume=0.25), clock=ManualClock(START))
    busy = Simulator(SimConfig(), clock=ManualClock(START))
    assert len(quiet.account.calls) < 0.4 * len(busy.account.calls)


def test_history_fills_recent_and_some_customers_opted_out(sim):
    account = sim.account
    oldest = min(call.started_at for call in account.calls)
    assert oldest <= START - timedelta(days=6, hours=20)
    assert account.opted_out
    missed_then_texted = [
        c
        for c in account.calls
        if c.outcome is not Outcome.ANSWERED
        and (c.company_id, c.customer.phone) in account.conversation_by_customer
    ]
    assert missed_then_texted


async def test_polling_sees_calls_ring_end_and_get_enriched(sim, clock):
    """Poll like a client every minute for two hours: in_progress -> final -> transcript within 20 min."""
    seen: dict[str, list[str]] = {}
    ended_at, enriched_at = {}, {}
    window_start = (START - timedelta(minutes=30)).astimezone(ZoneInfo("America/New_York"))
    params = {
        "start_date": window_start.strftime("%Y-%m-%dT%H:%M"),
        "fields": "call_type,transcription",
        "per_page": 250,
    }
    async with client_for(sim) as api:
        for minute in range(120):
            calls = (await api.get("calls.json", params=params)).json()["calls"]
            for call in calls:
                states = seen.setdefault(call["id"], [])
                if not states or states[-1] != call["call_type"]:
                    states.append(call["call_type"])
                if call["call_type"] != "in_progress":
                    ended_at.setdefault(call["id"], minute)
                if call["transcription"]:
                    enriched_at.setdefault(call["id"], minute)
            clock.advance(60)
    assert sum(states[0] == "in_progress" for states in seen.values()) >= 5
    finals = {"answered", "missed", "voicemail", "voicemail_transcription", "abandonded"}
    for states in seen.values():
        assert states[-1] in finals | {"in_progress"}
        assert "in_progress" not in states[1:]
    for call_id, minute in enriched_at.items():
        if call_id in ended_at and seen[call_id][0] == "in_progress":
            assert minute - ended_at[call_id] <= 21
    assert len(enriched_at) > 10


def test_every_spotted_keyword_is_said_by_the_caller():
    for reasons in REASONS.values():
        for reason in reasons:
            assert reason.keyword in reason.ask.lower(), reason.ask
