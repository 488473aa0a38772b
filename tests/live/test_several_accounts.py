"""A key that sees several accounts (an agency's): each account polled with its own budget, one state for
all of them, and every action sent through the account the call, conversation or company is in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tui.live.account_meta import AccountMeta
from tui.live.events import OutboxState, PollState, PollStatus
from tui.live.poller import CALLS_SYNCED
from tui.live.store import Store
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import session_on_simulator

from .conftest import START


@pytest.fixture
async def agency(tmp_path):
    """A session on both of the simulator's accounts, with an agency's key; started, stopped after."""
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    session = session_on_simulator(sim, data_dir=tmp_path / "data", agency=True)
    events: list = []
    session.subscribe(events.append)
    await session.start()
    yield sim, session, events
    await session.stop()


async def drive(sim, session, duration: timedelta) -> None:
    end = sim.clock.now() + duration
    while sim.clock.now() < end:
        await session.poll_once()
        delay = min(lane.poller.next_delay() for lane in session.lanes.all)
        sim.clock.advance(min(delay, max(0.0, (end - sim.clock.now()).total_seconds())))


def paths(sim, account_id: str, method: str = "GET") -> list[str]:
    return [
        r.path
        for r in sim.request_log
        if not r.external
        and r.method == method
        and (r.path.startswith(f"/v3/a/{account_id}/") or r.path == f"/v3/a/{account_id}.json")
    ]


async def test_each_account_is_polled_with_its_own_budget_into_one_feed(agency):
    sim, session, _ = agency
    main, other = sim.accounts
    await drive(sim, session, timedelta(minutes=30))
    assert set(session.companies) == set(main.companies) | set(other.companies)
    now = sim.clock.now()
    for account in (main, other):
        # the day so far (a first start catches up on the last 24 hours), minus the last minutes
        started = {
            c.id
            for c in account.calls_by_id.values()
            if now - timedelta(hours=20) < c.started_at < now - timedelta(minutes=10)
        }
        assert started and started <= set(session.state.calls), account.name
    for lane in session.lanes.all:
        requests = paths(sim, lane.account_id)
        assert any(path.endswith("/calls.json") for path in requests)
        # the lane's budget counts its own account's requests, and only those
        assert lane.access.budget.snapshot().used_hour == len(requests)
    assert len(paths(sim, main.id)) != len(paths(sim, other.id))


async def test_the_meter_shows_every_accounts_budget_and_the_worst_state(agency):
    sim, session, events = agency
    main, other = sim.accounts
    await drive(sim, session, timedelta(minutes=2))
    assert session.account_name == f"{main.name} + {other.name}"
    status = [e for e in events if isinstance(e, PollStatus)][-1]
    assert [a.name for a in status.accounts] == [main.name, other.name]
    assert all(a.budget is not None and a.budget.used_hour > 0 for a in status.accounts)
    assert status.state is PollState.OK

    other_lane = session.lanes.all[1]
    session._on_status(
        PollStatus(PollState.OFFLINE, message="CallRail did not answer", account_id=other_lane.account_id)
    )
    assert session.status.state is PollState.OFFLINE
    assert session.status.message == f"{other.name}: CallRail did not answer"


async def test_a_text_goes_out_through_the_account_of_its_company(agency):
    sim, session, _ = agency
    main, other = sim.accounts
    await drive(sim, session, timedelta(minutes=2))
    conversation = next(
        c for c in other.conversations.values() if (c.company_id, c.customer.phone) not in other.opted_out
    )
    item = session.send_text(
        company_id=conversation.company_id,
        customer_phone_number=conversation.customer.phone,
        content="On our way",
    )
    primary, theirs = session.lanes.all
    await primary.outbox.process()
    assert session.store.outbox_item(item.id).state is OutboxState.QUEUED  # not the first account's
    await theirs.outbox.process()
    assert session.store.outbox_item(item.id).state is OutboxState.SENT
    assert paths(sim, other.id, "POST") == [f"/v3/a/{other.id}/text-messages.json"]
    assert paths(sim, main.id, "POST") == []


async def test_opening_a_call_asks_the_account_it_is_in(agency):
    sim, session, _ = agency
    other = sim.accounts[1]
    await drive(sim, session, timedelta(minutes=30))
    theirs = next(c for c in session.state.calls.values() if c.company_id in other.companies)
    opened = await session.open_call(theirs.id)
    assert opened.id == theirs.id
    assert any(path.startswith(f"/v3/a/{other.id}/calls/{theirs.id}") for path in paths(sim, other.id))


async def test_each_account_keeps_its_own_sync_marks_whatever_the_order(tmp_path):
    store = Store(tmp_path / "store.sqlite3")
    try:
        first = AccountMeta.for_account(store, "ACCfirst")  # the store's account before there were several
        first.set_time(CALLS_SYNCED, START)
        second = AccountMeta.for_account(store, "ACCsecond")
        second.set_time(CALLS_SYNCED, START + timedelta(hours=1))
        assert store.get_time(CALLS_SYNCED) == START  # the plain key stays the first account's
        # listed the other way round later: each still reads its own
        assert AccountMeta.for_account(store, "ACCsecond").get_time(CALLS_SYNCED) == START + timedelta(
            hours=1
        )
        assert AccountMeta.for_account(store, "ACCfirst").get_time(CALLS_SYNCED) == START
    finally:
        store.close()


async def test_webhooks_are_the_first_accounts_only(agency):
    sim, session, _ = agency
    main, other = sim.accounts
    await drive(sim, session, timedelta(minutes=1))
    assert set(session.webhook_companies) == set(main.companies)
    assert set(session.companies) - set(session.webhook_companies) == set(other.companies)


async def test_a_text_for_a_company_no_account_has_shown_yet_goes_once_its_account_knows_it(
    tmp_path, monkeypatch
):
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    session = session_on_simulator(sim, data_dir=tmp_path / "data", agency=True)  # nothing known yet
    other = sim.accounts[1]
    conversation = next(
        c for c in other.conversations.values() if (c.company_id, c.customer.phone) not in other.opted_out
    )
    item = session.send_text(
        company_id=conversation.company_id, customer_phone_number=conversation.customer.phone, content="Hi"
    )
    primary, theirs = session.lanes.all
    await primary.outbox.process()
    await theirs.outbox.process()
    assert session.store.outbox_item(item.id).state is OutboxState.QUEUED  # no account's to send yet
    woken: list[bool] = []
    wake = theirs.outbox.wake
    monkeypatch.setattr(theirs.outbox, "wake", lambda: (woken.append(True), wake()))
    try:
        await session.start()  # the accounts' companies: the company is the second account's
        assert woken  # its outbox is told, not left asleep until something else wakes it
        await theirs.outbox.process()
        assert session.store.outbox_item(item.id).state is OutboxState.SENT
        assert paths(sim, other.id, "POST") == [f"/v3/a/{other.id}/text-messages.json"]
    finally:
        await session.stop()


async def test_texting_off_in_one_account_leaves_the_others_on(agency):
    sim, session, _ = agency
    main, other = sim.accounts
    primary = session.lanes.primary
    primary.outbox._on_texting_enabled(False)  # as a send refused for texting not enabled does
    assert session.texting_enabled_for(next(iter(main.companies))) is False
    assert session.texting_enabled_for(next(iter(other.companies))) is not False
