"""Days shaped for the freshness benchmarks: calls only while the companies are open, all in one zone."""

from zoneinfo import ZoneInfo

from conftest import START

from tui.sim import SimConfig, Simulator
from tui.sim.catalog import BUSINESS_HOURS
from tui.sim.clock import ManualClock


def local_start_hours(config: SimConfig) -> list[int]:
    clock = ManualClock(START)
    sim = Simulator(config, clock=clock)
    clock.advance(24 * 3600)
    sim.advance()
    account = sim.account
    calls = [
        account.calls_by_id[e.id]
        for e in sim.events
        if e.kind == "call_started" and e.id in account.calls_by_id and e.at >= START
    ]
    return [
        call.started_at.astimezone(ZoneInfo(account.companies[call.company_id].time_zone)).hour
        for call in calls
    ]


def test_no_calls_after_hours_when_asked():
    default = local_start_hours(SimConfig())
    assert any(hour not in BUSINESS_HOURS for hour in default)
    closed = local_start_hours(SimConfig(after_hours_volume=0.0))
    assert closed and all(hour in BUSINESS_HOURS for hour in closed)


def test_every_company_in_one_time_zone():
    sim = Simulator(SimConfig(time_zone="America/New_York"), clock=ManualClock(START))
    assert {company.time_zone for company in sim.account.companies.values()} == {"America/New_York"}
    assert (
        len({company.time_zone for company in Simulator(clock=ManualClock(START)).account.companies.values()})
        == 4
    )
