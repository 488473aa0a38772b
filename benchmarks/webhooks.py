"""The webhook receiver over loopback TCP: how long CallRail waits for our answer (each delivery is
committed to disk first), how many deliveries a second it keeps in a burst (``burst_sender``, another
process), and what merging one costs."""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.figures import Figure, percentile
from benchmarks.webhook_bodies import COMPANY, KEY, body
from tui.callrail.clock import SystemClock
from tui.live.state import LiveState
from tui.live.webhooks.inbox import Inbox
from tui.live.webhooks.serve import receiver_running, webhook_intake
from tui.live.webhooks.signature import signature
from tui.live.webhooks.translate import translate

CONCURRENT = 16  # senders at once in the burst
BURST = 5000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def measure(serial: int, burst: int) -> list[Figure]:
    """``serial`` deliveries one at a time (the answer time CallRail sees), then a burst of ``burst`` from
    ``CONCURRENT`` connections of another process at once; against the same deliveries committed one by
    one."""
    with tempfile.TemporaryDirectory() as data_dir:
        intake = webhook_intake(data_dir, SystemClock())
        intake.keys.put(COMPANY, KEY)
        port = free_port()
        url = f"http://127.0.0.1:{port}/webhooks/{COMPANY}/post_call_webhook"
        now = datetime.now(UTC)
        bodies = [body(number, now) for number in range(serial)]
        latencies: list[float] = []
        async with receiver_running(intake.receiver, "127.0.0.1", port), httpx.AsyncClient() as client:
            for payload in bodies:
                headers = {"Content-Type": "application/json", "Signature": signature(KEY, payload)}
                began = time.perf_counter()
                response = await client.post(url, content=payload, headers=headers)
                latencies.append(time.perf_counter() - began)
                response.raise_for_status()
            sender = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.burst_sender",
                str(port),
                str(burst),
                str(CONCURRENT),
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await sender.communicate()
            rate, refused = (float(field) for field in out.split())
        pending = intake.inbox.pending(serial + burst)
        state = LiveState()
        began = time.perf_counter()
        for delivery in pending:
            records = translate(delivery.event, delivery.body, delivery.company_id)
            state.merge_calls(records.calls, records.observed_at)
        merge_us = (time.perf_counter() - began) / max(1, len(pending)) * 1e6
        intake.close()
        one_by_one = _commit_one_by_one(Path(data_dir) / "one-by-one.sqlite3", bodies[:300])
    return [
        Figure("webhook_answer_p50_ms", percentile(latencies, 0.5) * 1000, "ms", goal=50),
        Figure("webhook_answer_p99_ms", percentile(latencies, 0.99) * 1000, "ms", goal=500),
        Figure("webhook_ingest_per_s", rate, "/s", goal=500, baseline=one_by_one, at_least=True),
        Figure("webhook_ingest_lost", serial + burst - len(pending) + refused, "", goal=0),
        Figure("webhook_merge_us", merge_us, "µs", goal=1000),
    ]


def _commit_one_by_one(path: Path, bodies: list[bytes]) -> float:
    """Deliveries a second when each is committed on its own (what the receiver did before batching)."""
    inbox = Inbox(path)
    now = datetime.now(UTC)
    began = time.perf_counter()
    for payload in bodies:
        inbox.add(COMPANY, "post_call_webhook", payload, now)
    rate = len(bodies) / (time.perf_counter() - began)
    inbox.close()
    return rate


def run(*, quick: bool = False) -> list[Figure]:
    """The receiver's own figures, then push against polling (``benchmarks.push``)."""
    from benchmarks import push

    receiver = asyncio.run(measure(200, 1000) if quick else measure(1000, BURST))
    return [*receiver, *push.figures(quick=quick)]
