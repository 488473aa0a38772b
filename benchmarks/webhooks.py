"""The webhook receiver over loopback TCP: how long CallRail waits for our answer (each delivery is
committed to disk first), how many deliveries a second it takes, and what merging one costs."""

from __future__ import annotations

import asyncio
import json
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta

import httpx

from benchmarks.figures import Figure, percentile
from tui.callrail.clock import SystemClock
from tui.live.state import LiveState
from tui.live.webhooks.serve import receiver_running, webhook_intake
from tui.live.webhooks.signature import signature
from tui.live.webhooks.translate import translate

COMPANY, KEY = "COMbench", "bench-signing-key"
CONCURRENT = 8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _body(number: int, now: datetime) -> bytes:
    payload = {
        "resource_id": f"CALbench{number:08d}",
        "company_resource_id": COMPANY,
        "call_type": "answered",
        "duration": "61",
        "start_time": (now - timedelta(seconds=number)).isoformat(),
        "customer_phone_number": f"+1512555{number % 10_000:04d}",
        "transcription": "Agent: Hello… Caller: my water heater… " * 40,
        "timestamp": now.isoformat(),
    }
    return json.dumps(payload).encode()


async def measure(deliveries: int = 1000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as data_dir:
        intake = webhook_intake(data_dir, SystemClock())
        intake.keys.put(COMPANY, KEY)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/webhooks/{COMPANY}/post_call_webhook"
        now = datetime.now(UTC)
        bodies = [_body(number, now) for number in range(deliveries)]
        latencies: list[float] = []
        async with receiver_running(intake.receiver, "127.0.0.1", port), httpx.AsyncClient() as client:

            async def post(body: bytes) -> None:
                headers = {"Content-Type": "application/json", "Signature": signature(KEY, body)}
                began = time.perf_counter()
                response = await client.post(url, content=body, headers=headers)
                latencies.append(time.perf_counter() - began)
                response.raise_for_status()

            half = deliveries // 2
            for body in bodies[:half]:  # one at a time: the answer time CallRail sees
                await post(body)
            began = time.perf_counter()
            queue = list(bodies[half:])

            async def worker() -> None:
                while queue:
                    await post(queue.pop())

            await asyncio.gather(*(worker() for _ in range(CONCURRENT)))
            rate = (deliveries - half) / (time.perf_counter() - began)
        pending = intake.inbox.pending(deliveries)
        state = LiveState()
        began = time.perf_counter()
        for delivery in pending:
            records = translate(delivery.event, delivery.body, delivery.company_id)
            state.merge_calls(records.calls, records.observed_at)
        merge_us = (time.perf_counter() - began) / max(1, len(pending)) * 1e6
        intake.close()
    serial = latencies[: deliveries // 2]
    return [
        Figure("webhook_answer_p50_ms", percentile(serial, 0.5) * 1000, "ms", goal=50),
        Figure("webhook_answer_p99_ms", percentile(serial, 0.99) * 1000, "ms", goal=500),
        Figure("webhook_accepted_per_s", rate, "/s"),
        Figure("webhook_kept", len(pending), "", baseline=deliveries),
        Figure("webhook_merge_us", merge_us, "µs", goal=1000),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return asyncio.run(measure(200 if quick else 2000))
