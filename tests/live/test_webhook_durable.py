"""Durable before the 2xx: a receiver process killed (SIGKILL) right after it answered still has every
delivery it answered for when it starts again, and the source replays them."""

import json
import os
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime

import httpx

from tests.loopback import free_port
from tui.live.webhooks.inbox import INBOX_FILE, Inbox
from tui.live.webhooks.signature import signature
from tui.live.webhooks.source import WebhookSource
from tui.sim.clock import ManualClock

COMPANY, KEY = "COMdurable", "durable-signing-key"

RECEIVER = f"""
import asyncio, sys
from tui.callrail.clock import SystemClock
from tui.live.webhooks.serve import receiver_running, webhook_intake

async def main(data_dir, port):
    intake = webhook_intake(data_dir, SystemClock())
    intake.keys.put({COMPANY!r}, {KEY!r})
    async with receiver_running(intake.receiver, "127.0.0.1", port):
        print("ready", flush=True)
        await asyncio.Event().wait()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def delivery(number: int) -> bytes:
    payload = {
        "resource_id": f"CALdurable{number}",
        "company_resource_id": COMPANY,
        "call_type": "answered",
        "start_time": datetime.now(UTC).isoformat(),
        "timestamp": datetime.now(UTC).isoformat(),
    }
    return json.dumps(payload).encode()


async def test_a_killed_receiver_keeps_what_it_answered_2xx_for(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", RECEIVER, str(tmp_path), str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}/webhooks/{COMPANY}/post_call_webhook"
        async with httpx.AsyncClient() as client:
            for number in range(5):
                body = delivery(number)
                headers = {"Content-Type": "application/json", "Signature": signature(KEY, body)}
                response = await client.post(url, content=body, headers=headers)
                assert response.status_code == 200
        os.kill(process.pid, signal.SIGKILL)  # no chance to flush or close anything
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    path = tmp_path / INBOX_FILE
    files = list(tmp_path.glob(INBOX_FILE + "*"))  # the WAL too: it holds the signing keys
    assert len(files) >= 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    inbox = Inbox(path)
    assert len(inbox.pending()) == 5
    source = WebhookSource(inbox, ManualClock(datetime.now(UTC)))
    batches = source.batches()
    ids = [(await anext(batches)).calls[0].id for _ in range(5)]
    assert ids == [f"CALdurable{number}" for number in range(5)]
    await batches.aclose()
    # the last batch was handed over but its merge never confirmed (no next batch asked for): it stays,
    # to be merged again, which changes nothing
    assert [d.seq for d in inbox.pending()] == [5]
    assert inbox.signing_keys() == {COMPANY: KEY}
    inbox.close()
