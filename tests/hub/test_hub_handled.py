"""Mark handled through the hub: a viewer's mark is kept at the hub with who made it, reaches every other
viewer (their inbox drops the item), comes back in the snapshot of a viewer that reconnects, and an undo
goes the same way; a key of no known kind, or a record the hub does not hold, is refused."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.hub.conftest import START, build_hub, until, viewing
from tui.hub.viewer.session import HubSession
from tui.live.attention import Attention, AttentionItem, AttentionKind
from tui.live.events import HandledChanged
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


def inbox(session) -> Attention:
    attention = Attention(session.state, session.handled)
    attention.rebuild()
    return attention


def marks_at(hub) -> dict[str, str]:
    return {key: by for key, by, _ in hub.session.store.handled_marks()}


@contextlib.asynccontextmanager
async def in_process(tmp_path) -> AsyncIterator:
    """The hub's app through httpx's ASGI transport (no socket), on a polled simulator."""
    sim = Simulator(SimConfig(seed=7), clock=ManualClock(START))
    hub = build_hub(tmp_path, sim)
    await hub.session.start()
    await hub.session.poll_once()
    try:
        yield hub
    finally:
        await hub.session.stop()
        hub.events.close()


def client(hub, token: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=hub.app), base_url="http://hub", headers=headers
    )


async def test_a_mark_is_kept_with_who_made_it_and_told_as_an_event(tmp_path) -> None:
    async with in_process(tmp_path) as hub:
        item = inbox(hub.session).items[0]
        async with client(hub, hub.tokens.add("Dana")) as dana, client(hub, hub.tokens.add("Sam")) as sam:
            marked = await dana.post("/api/handled", json={"key": item.key, "ref": "r1"})
            assert marked.status_code == 201 and marked.json()["mark"]["by"] == "Dana"
            assert marks_at(hub) == {item.key: "Dana"}
            [(_, event)] = hub.events.since(hub.events.last_seq - 1)
            assert event == {"type": "handled", "handled": True, "ref": "r1", **marked.json()["mark"]}
            again = await sam.post("/api/handled", json={"key": item.key})  # Dana was first
            assert again.status_code == 200 and again.json()["duplicate"]
            assert again.json()["mark"]["by"] == "Dana" and marks_at(hub) == {item.key: "Dana"}
            undone = await sam.post("/api/handled/undo", json={"key": item.key})
            assert undone.status_code == 200 and marks_at(hub) == {}
            [(_, event)] = hub.events.since(hub.events.last_seq - 1)
            assert event["handled"] is False and event["by"] == "Sam"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"key": "voicemail:CAL1"}, 422),  # no such kind
        ({"key": "text:KZ1"}, 422),  # a text's key says which message it waited on
        ({"key": "call:"}, 422),
        ({"key": "call:CALnosuchcall"}, 404),
        ({"key": "form:FRMnosuchform"}, 404),
        ({"key": "text:KZnosuch@1700000000"}, 404),
        ({"key": "call:CAL1", "by": "Someone else"}, 422),  # who marked it is the token's, not the body's
        ({}, 422),
    ],
)
async def test_bad_marks_are_refused(tmp_path, body, status) -> None:
    async with in_process(tmp_path) as hub:
        async with client(hub, hub.tokens.add("Dana")) as dana:
            answer = await dana.post("/api/handled", json=body)
            assert answer.status_code == status and answer.json()["error"]
        assert marks_at(hub) == {}


async def test_undoing_what_is_not_marked_and_acting_without_a_token_are_refused(tmp_path) -> None:
    async with in_process(tmp_path) as hub:
        item = inbox(hub.session).items[0]
        async with client(hub, hub.tokens.add("Dana")) as dana, client(hub, None) as nobody:
            assert (await dana.post("/api/handled/undo", json={"key": item.key})).status_code == 404
            assert (await nobody.post("/api/handled", json={"key": item.key})).status_code == 401
        assert marks_at(hub) == {}


async def test_a_colleagues_mark_empties_the_others_inbox_and_the_undo_brings_it_back(rig, tmp_path) -> None:
    async with (
        viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _),
        viewing(rig.url, rig.token("Sam"), tmp_path / "sam") as (sam, told),
    ):
        assert isinstance(dana, HubSession)
        await until(
            lambda: sam.state.calls.keys() == dana.state.calls.keys() == rig.session.state.calls.keys()
        )
        item = inbox(dana).items[0]
        assert item.slot in {i.slot for i in inbox(sam).items}
        dana.handled.mark(item)
        await until(lambda: item.key in sam.handled)
        assert item.slot not in {i.slot for i in inbox(sam).items}
        assert HandledChanged((item.key,), handled=True, by="Dana") in told
        assert sam.handled.by(item.key) == "Dana" and marks_at(rig.hub) == {item.key: "Dana"}
        assert dana.handled.undo() == item
        await until(lambda: item.key not in sam.handled)
        assert item.slot in {i.slot for i in inbox(sam).items} and marks_at(rig.hub) == {}
        await dana.handled.settled()
        assert item.key not in dana.handled


async def test_marks_survive_a_reconnect_and_an_undo_while_away_is_caught_up(rig, tmp_path) -> None:
    sam_token = rig.token("Sam")
    async with viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _):
        await until(lambda: dana.state.calls.keys() == rig.session.state.calls.keys())
        first, second = inbox(dana).items[:2]
        dana.handled.mark(first)
        dana.handled.mark(second)
        await dana.handled.settled()
        async with viewing(rig.url, sam_token, tmp_path / "sam") as (sam, _):
            await until(lambda: {first.key, second.key} <= sam.handled.keys)  # in its snapshot
        assert dana.handled.undo() == second  # while Sam is away
        await dana.handled.settled()
        # Sam comes back: the snapshot says the second is no longer handled (his store still had it)
        async with viewing(rig.url, sam_token, tmp_path / "sam") as (sam, _):
            await until(lambda: sam.poller.seq == rig.hub.events.last_seq)
            await until(lambda: sam.handled.keys == {first.key})


async def test_a_mark_the_hub_refuses_is_taken_back_and_says_why(rig, tmp_path) -> None:
    async with viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, told):
        await until(lambda: dana.state.calls)
        unknown = AttentionItem(
            kind=AttentionKind.CALL,
            id="CALgone",
            company_id=None,
            company_name=None,
            customer_name=None,
            customer_phone_number=None,
            since=START,
            reason="missed",
            key="call:CALgone",
            record=next(iter(dana.state.calls.values())),
        )
        dana.handled.mark(unknown)
        assert unknown.key in dana.handled  # at once, before the hub answers
        await dana.handled.settled()
        assert unknown.key not in dana.handled and dana.handled.undo() is None
        [problem] = [e for e in told if isinstance(e, HandledChanged) and e.problem]
        assert problem.keys == (unknown.key,) and not problem.handled
        assert "Not marked handled for the team" in problem.problem and "no such call" in problem.problem
