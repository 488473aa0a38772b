"""Signed post-call deliveries for the webhook benchmarks: one company, one key, a transcript each."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

COMPANY, KEY = "COMbench", "bench-signing-key"


def body(number: int, now: datetime) -> bytes:
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
