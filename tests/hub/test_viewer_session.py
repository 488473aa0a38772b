"""A viewer's session on a hub over real loopback TCP: the hub's calls and companies, texts sent through
the hub's outbox, a call opened through the hub; offline from the hub it says so and keeps what it has,
and on reconnecting it resumes by number, with every call arriving once."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from tests.hub.conftest import START, build_hub, until, viewing
from tests.loopback import free_port
from tui.hub.serve import hub_running
from tui.live.events import CallsChanged, OutboxState, PollState, TeamPresence, Viewing
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def test_a_viewer_shows_the_hub_and_acts_through_it(rig, tmp_path) -> None:
    async with viewing(rig.url, rig.token("Dana"), tmp_path / "viewer") as (viewer, _):
        await until(lambda: viewer.state.calls.keys() == rig.session.state.calls.keys())
        assert viewer.companies.keys() == rig.session.companies.keys()
        assert viewer.account_name == rig.session.account_name
        # the hub's state (paused here: the test polls), with the connection to the hub
        await until(lambda: viewer.status.state is rig.session.status.state)
        assert viewer.status.message.startswith("hub 127.0.0.1")
        assert viewer.budget_snapshot().limit_hour == rig.session.budget_snapshot().limit_hour

        await rig.poll(minutes=20)
        await until(lambda: viewer.state.calls.keys() == rig.session.state.calls.keys())

        call = next(c for c in viewer.state.calls_newest_first() if c.tracking_phone_number)
        opened = await viewer.open_call(call.id)
        assert opened.id == call.id and rig.hub.actions.detail.reads == 1

        item = viewer.send_text(
            company_id=call.company_id,
            customer_phone_number=call.customer_phone_number,
            content="[b]We can come today[/b]",
            tracking_number=call.tracking_phone_number,
        )
        await until(lambda: viewer.outbox.items(call.customer_phone_number)[-1].state is OutboxState.SENT)
        assert len(rig.texts_sent()) == 1
        assert rig.hub.events.send_for("Dana", viewer.outbox.key(item.id)) is not None


async def test_offline_from_the_hub_the_viewer_keeps_its_calls_and_resumes(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    hub = build_hub(tmp_path, sim)
    await hub.session.start()
    hub.session.set_paused(True)
    await hub.session.poll_once()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    token = hub.tokens.add("Dana")
    try:
        async with hub_running(hub, "127.0.0.1", port):
            viewer_ctx = viewing(url, token, tmp_path / "viewer")
            viewer, events = await viewer_ctx.__aenter__()
            await until(lambda: viewer.state.calls.keys() == hub.session.state.calls.keys())
        await until(lambda: viewer.status.state is PollState.OFFLINE)
        assert "cannot be reached" in viewer.status.message and viewer.state.calls
        for _ in range(3):  # the day goes on without the viewer
            sim.clock.advance(15 * 60)
            await hub.session.poll_once()
        async with hub_running(hub, "127.0.0.1", port):
            viewer.refresh_now()  # reconnect now rather than after the backoff
            await until(lambda: viewer.poller.seq == hub.events.last_seq)
            await until(lambda: viewer.state.calls.keys() == hub.session.state.calls.keys())
            await until(lambda: viewer.status.state is not PollState.OFFLINE)
            arrivals = Counter(call.id for e in events if isinstance(e, CallsChanged) for call in e.new)
            assert arrivals and max(arrivals.values()) == 1
            await viewer_ctx.__aexit__(None, None, None)
    finally:
        await hub.session.stop()
        hub.events.close()


async def test_a_second_reply_is_held_for_the_viewer_to_decide(rig, tmp_path) -> None:
    call = next(c for c in rig.session.state.calls_newest_first() if c.tracking_phone_number)
    text = {
        "company_id": call.company_id,
        "customer_phone_number": call.customer_phone_number,
        "tracking_number": call.tracking_phone_number,
    }
    number = call.customer_phone_number
    async with (
        viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _),
        viewing(rig.url, rig.token("Sam"), tmp_path / "sam") as (sam, _),
    ):
        dana.send_text(content="On our way", **text)
        await until(lambda: any(i.state is OutboxState.SENT for i in dana.outbox.items(number)))
        # Sam sees Dana's text, with her name
        await until(lambda: any(i.sent_by == "Dana" for i in sam.outbox.items(number)))
        held = sam.send_text(content="We can come at 3", **text)
        await until(lambda: sam.store.outbox_item(held.id).state is OutboxState.HELD)
        assert "Dana texted this caller" in sam.store.outbox_item(held.id).error
        assert len(rig.texts_sent()) == 1
        sam.resolve_unknown(held.id, sent=False)  # send mine too
        await until(lambda: sam.store.outbox_item(held.id).state is OutboxState.SENT)
        assert len(rig.texts_sent()) == 2


async def test_viewers_see_what_colleagues_have_open(rig, tmp_path) -> None:
    async with (
        viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _),
        viewing(rig.url, rig.token("Sam"), tmp_path / "sam") as (sam, sam_events),
    ):
        await until(lambda: dana.me == "Dana" and sam.me == "Sam")
        dana.viewing("thread:+15125550164", composing=True)
        expected = TeamPresence((Viewing("Dana", "thread:+15125550164", True),))
        await until(lambda: expected in sam_events)
        dana.stopped_viewing("thread:+15125550164")
        await until(lambda: sam_events[-1] == TeamPresence((Viewing("Dana", None, False),)))


async def test_a_text_written_while_the_hub_is_away_goes_once_it_is_back(tmp_path) -> None:
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    hub = build_hub(tmp_path, sim)
    await hub.session.start()
    hub.session.set_paused(True)
    await hub.session.poll_once()
    hub_runner = asyncio.create_task(hub.run())  # its outbox sends
    call = next(c for c in hub.session.state.calls_newest_first() if c.tracking_phone_number)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        async with viewing(url, hub.tokens.add("Dana"), tmp_path / "viewer") as (viewer, _):
            item = viewer.send_text(
                company_id=call.company_id,
                customer_phone_number=call.customer_phone_number,
                content="Sorry we missed you",
                tracking_number=call.tracking_phone_number,
            )
            await until(lambda: "Not handed to the hub yet" in viewer.store.outbox_item(item.id).error)
            assert viewer.store.outbox_item(item.id).state is OutboxState.QUEUED
            async with hub_running(hub, "127.0.0.1", port):
                viewer.refresh_now()
                await until(lambda: viewer.store.outbox_item(item.id).state is OutboxState.SENT)
        sent = [r for r in sim.request_log if r.method == "POST" and "text-messages" in r.path]
        assert len(sent) == 1
    finally:
        hub_runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hub_runner
        await hub.session.stop()
        hub.events.close()


async def test_a_revoked_viewer_says_so_and_keeps_what_it_has(rig, tmp_path) -> None:
    async with viewing(rig.url, rig.token("Dana"), tmp_path / "viewer") as (viewer, _):
        await until(lambda: viewer.state.calls and viewer.poller.seq is not None)
        rig.hub.tokens.revoke("Dana")
        await until(lambda: viewer.status.state is PollState.AUTH_FAILED)
        assert "refused this viewer's token" in viewer.status.message
        assert viewer.state.calls
