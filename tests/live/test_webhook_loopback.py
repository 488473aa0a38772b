"""The receiver served by uvicorn over real loopback TCP: refusals, bad HTTP, a busy port."""

import asyncio
import json
import socket

import httpx
import pytest

from tests.live.webhook_rig import START
from tests.loopback import free_port
from tui.live.webhooks.serve import receiver_running, webhook_intake
from tui.live.webhooks.signature import signature
from tui.live.webhooks.stats import Outcome
from tui.sim.clock import ManualClock

COMPANY, KEY = "COMloop", "loop-key"


@pytest.fixture
async def served(tmp_path):
    intake = webhook_intake(tmp_path, ManualClock(START), max_body=8192)
    intake.keys.put(COMPANY, KEY)
    port = free_port()
    async with receiver_running(intake.receiver, "127.0.0.1", port):
        yield intake, port
    intake.close()


def signed(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", "Signature": signature(KEY, body)}


async def test_refusals_over_tcp_and_the_server_keeps_serving(served):
    intake, port = served
    url = f"http://127.0.0.1:{port}/webhooks/{COMPANY}/post_call_webhook"

    async def chunks():
        for _ in range(20):
            yield b"x" * 1000

    async with httpx.AsyncClient() as client:
        assert (await client.post(url, content=chunks(), headers=signed(b""))).status_code == 413
        assert (await client.get(url)).status_code == 405
        assert (await client.post(url, content=b"\x00\xff", headers={"Signature": "x"})).status_code == 415
        # not HTTP at all: uvicorn answers for itself and goes on
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"\x16\x03\x01 this is not a request\r\n\r\n")
        await writer.drain()
        answer = await reader.read(100)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 400")
        body = json.dumps({"resource_id": "CAL1", "company_resource_id": COMPANY}).encode()
        assert (await client.post(url, content=body, headers=signed(body))).status_code == 200
    counts = intake.receiver.stats.counts
    assert counts[Outcome.TOO_LARGE] == counts[Outcome.METHOD] == counts[Outcome.MEDIA_TYPE] == 1
    assert counts[Outcome.ACCEPTED] == 1 and len(intake.inbox.pending()) == 1


async def test_a_port_in_use_is_an_oserror(tmp_path):
    intake = webhook_intake(tmp_path, ManualClock(START))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            async with receiver_running(intake.receiver, "127.0.0.1", taken.getsockname()[1]):
                pass
    intake.close()
