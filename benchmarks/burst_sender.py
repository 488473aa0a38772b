"""``python -m benchmarks.burst_sender PORT COUNT SENDERS``: post COUNT signed deliveries to the webhook
receiver on 127.0.0.1:PORT from SENDERS keep-alive connections at once, as CallRail would in a burst, and
print deliveries per second. Its own process, and plain sockets rather than an HTTP client library, so
the sender's work does not count against the receiver."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime

from benchmarks.webhook_bodies import COMPANY, KEY, body
from tui.live.webhooks.signature import signature

PATH = f"/webhooks/{COMPANY}/post_call_webhook"


def request(payload: bytes) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Signature: {signature(KEY, payload)}\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def sender(port: int, requests: list[bytes], failures: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while requests:
        writer.write(requests.pop())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 2"):
            failures.append(head.split(b"\r\n", 1)[0])
    writer.close()


async def main(port: int, count: int, senders: int) -> None:
    now = datetime.now(UTC)
    requests = [request(body(number, now)) for number in range(count)]
    failures: list[bytes] = []
    began = time.perf_counter()
    await asyncio.gather(*(sender(port, requests, failures) for _ in range(senders)))
    print(f"{count / (time.perf_counter() - began):.1f} {len(failures)}")


if __name__ == "__main__":
    asyncio.run(main(*(int(arg) for arg in sys.argv[1:4])))
