"""The viewers' actions, done once by the hub: a text per idempotency key however often it is retried,
a call's detail read once for every viewer, a confirmation before a second reply, who did what."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.hub.conftest import connect, receive, until
from tui.callrail.models import Call

MARKUP = "[bold]Call me[/bold] [@click=app.quit]now[/]"


def a_caller(rig) -> Call:
    return next(
        call
        for call in rig.session.state.calls_newest_first()
        if call.customer_phone_number and call.tracking_phone_number and call.company_id
    )


def text_for(call: Call, key: str, content: str = "Thanks for calling!", **extra) -> dict:
    return {
        "key": key,
        "company_id": call.company_id,
        "customer_phone_number": call.customer_phone_number,
        "tracking_number": call.tracking_phone_number,
        "content": content,
        **extra,
    }


async def test_a_retried_send_sends_once(rig) -> None:
    call = a_caller(rig)
    async with rig.http(rig.token("Dana")) as http:
        first = await http.post("/api/texts", json=text_for(call, "k-1"))
        again = await http.post("/api/texts", json=text_for(call, "k-1"))
        assert first.status_code == 201 and not first.json()["duplicate"]
        assert again.status_code == 200 and again.json()["duplicate"]
        assert again.json()["item"]["id"] == first.json()["item"]["id"]
        await until(lambda: rig.texts_sent())
        late = await http.post("/api/texts", json=text_for(call, "k-1"))  # after it went out
        assert late.json()["duplicate"] and late.json()["item"]["state"] == "sent"
    assert len(rig.texts_sent()) == 1


async def test_a_second_reply_within_minutes_needs_confirm_and_says_who(rig) -> None:
    call = a_caller(rig)
    async with rig.http(rig.token("Dana")) as dana, rig.http(rig.token("Sam")) as sam:
        assert (await dana.post("/api/texts", json=text_for(call, "d-1"))).status_code == 201
        refused = await sam.post("/api/texts", json=text_for(call, "s-1"))
        assert refused.status_code == 409
        assert refused.json()["replied_by"] == "Dana" and "Dana texted" in refused.json()["error"]
        assert (await dana.post("/api/texts", json=text_for(call, "d-2"))).status_code == 201  # her own
        sure = await sam.post("/api/texts", json=text_for(call, "s-1", confirm=True))
        assert sure.status_code == 201
    await until(lambda: len(rig.texts_sent()) == 3)


async def test_texts_reach_viewers_literally_and_say_who_sent_them(rig) -> None:
    call = a_caller(rig)
    watcher = await connect(rig, rig.token("Lee"))
    await receive(watcher, kind="caught_up")
    async with rig.http(rig.token("Dana")) as http:
        await http.post("/api/texts", json=text_for(call, "m-1", content=MARKUP))
    queued = await receive(watcher, kind="text")
    assert queued["item"]["content"] == MARKUP
    assert queued["item"]["sent_by"] == "Dana" and queued["key"] == "m-1"
    action = await receive(watcher, kind="action")
    assert action["by"] == "Dana" and action["what"] == "send_text"
    await watcher.close()


async def test_one_read_of_a_call_serves_every_viewer(rig) -> None:
    call = a_caller(rig)
    before = len(rig.sim.request_log)
    tokens = [rig.token(f"Viewer {n}") for n in range(5)]
    clients = [rig.http(token) for token in tokens]
    try:
        answers = await asyncio.gather(*(c.post(f"/api/calls/{call.id}/open") for c in clients))
        again = await clients[0].post(f"/api/calls/{call.id}/open")
    finally:
        for client in clients:
            await client.aclose()
    assert {answer.status_code for answer in [*answers, again]} == {200}
    assert answers[0].json()["call"]["id"] == call.id
    reads = [r for r in rig.sim.request_log[before:] if r.path.endswith(f"/calls/{call.id}.json")]
    assert len(reads) == 1 and rig.hub.actions.detail.reads == 1


async def test_an_update_is_done_and_recorded_with_who_did_it(rig) -> None:
    call = a_caller(rig)
    watcher = await connect(rig, rig.token("Lee"))
    await receive(watcher, kind="caught_up")
    async with rig.http(rig.token("Dana")) as http:
        answer = await http.post(f"/api/calls/{call.id}", json={"note": MARKUP})
    assert answer.status_code == 200 and answer.json()["call"]["note"] == MARKUP
    changed = await receive(watcher, kind="calls")
    assert any(c["id"] == call.id and c.get("note") == MARKUP for c in changed["calls"])
    action = await receive(watcher, kind="action")
    assert (action["by"], action["what"], action["call_id"]) == ("Dana", "update_call", call.id)
    await watcher.close()


async def test_presence_is_told_to_everyone(rig) -> None:
    dana = await connect(rig, rig.token("Dana"))
    await receive(dana, kind="caught_up")
    sam = await connect(rig, rig.token("Sam"))
    await receive(sam, kind="caught_up")
    await sam.send('{"type": "presence", "open": "thread:+15125550164", "composing": true}')
    while True:
        presence = await receive(dana, kind="presence")
        if {"name": "Sam", "open": "thread:+15125550164", "composing": True} in presence["viewers"]:
            break
    await sam.close()
    await dana.close()


async def test_a_text_whose_record_failed_after_it_was_queued_is_found_by_its_retry(rig, monkeypatch) -> None:
    """The hub queued the text, then failed to write its record of the send (its disk, say): the retry
    gets that text, found in the outbox by its key, and nothing is queued twice."""
    call = a_caller(rig)
    record = rig.hub.events.record_send

    def fail_once(send) -> None:
        monkeypatch.setattr(rig.hub.events, "record_send", record)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(rig.hub.events, "record_send", fail_once)
    async with rig.http(rig.token("Dana")) as http:
        failed = await http.post("/api/texts", json=text_for(call, "k-lost"))
        assert failed.status_code == 500
        (queued,) = rig.session.outbox_items()
        retry = await http.post("/api/texts", json=text_for(call, "k-lost"))
        assert retry.status_code == 200 and retry.json()["duplicate"]
        assert retry.json()["item"]["id"] == queued.id
        again = await http.post("/api/texts", json=text_for(call, "k-lost"))  # now from the record
        assert again.json()["item"]["id"] == queued.id
    assert len(rig.session.outbox_items()) == 1
    await until(lambda: rig.texts_sent())
    assert len(rig.texts_sent()) == 1
