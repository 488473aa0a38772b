"""Calls and conversations as the API sends them, made up in bulk from a seed (for the UI, startup and
memory benchmarks, which need thousands of records without simulating the day that made them)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from tui.callrail.models import Call, Conversation

COMPANIES = (
    ("COMBENCH1", "Windy City Plumbing", "America/Chicago"),
    ("COMBENCH2", "Bay State Dental", "America/New_York"),
    ("COMBENCH3", "Front Range Roofing", "America/Denver"),
    ("COMBENCH4", "Pacific Coast Law", "America/Los_Angeles"),
)
SOURCES = ("Google Ads", "Google Organic", "Yelp", "Facebook", "Direct")
STATUSES = (("answered", True, 0.72), ("missed", False, 0.12), ("voicemail", False, 0.10))
WORDS = (
    *("the", "water", "heater", "is", "leaking", "again", "can", "someone", "come", "out", "tomorrow"),
    *("morning", "we", "are", "open", "until", "five", "thanks", "for", "calling", "how", "I", "help"),
    *("you", "today", "would", "like", "a", "quote", "roof", "repair", "please"),
)


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def transcript(rng: random.Random, size: int) -> list[dict[str, Any]]:
    """A conversational transcript of about ``size`` characters."""
    phrases, total = [], 0
    while total < size:
        phrase = _phrase(rng, rng.randint(3, 40))
        phrases.append({"speaker": rng.choice(("agent", "caller")), "phrase": phrase, "start": total // 10})
        total += len(phrase)
    return phrases


def call_payload(
    index: int, start: datetime, *, live: bool = False, enriched: bool = False, transcript_size: int = 0
) -> dict[str, Any]:
    """Call number ``index`` (its fields depend only on the index), as a list or detail read sends it."""
    rng = random.Random(index)
    company_id, company_name, zone = rng.choice(COMPANIES)
    roll, status, answered = rng.random(), "abandoned", False
    for name, was_answered, share in STATUSES:
        if roll < share:
            status, answered = name, was_answered
            break
        roll -= share
    phone = f"+1312555{index % 10_000:04d}"
    payload: dict[str, Any] = {
        "id": f"CALBENCH{index:08d}",
        "start_time": start.isoformat(),
        "direction": "inbound",
        "customer_name": f"{rng.choice(('Maria', 'Ravi', 'Jo', 'Ben'))} {rng.choice(('Delgado', 'Patel'))}",
        "customer_phone_number": phone,
        "formatted_customer_phone_number": f"(312) 555-{index % 10_000:04d}",
        "customer_city": "Chicago",
        "customer_state": "IL",
        "formatted_customer_location": "Chicago, IL",
        "company_id": company_id,
        "company_name": company_name,
        "company_time_zone": zone,
        "tracking_phone_number": "+13125550100",
        "source": rng.choice(SOURCES),
        "source_name": "Website",
        "first_call": rng.random() < 0.7,
        "tags": [],
        "lead_status": None,
    }
    if live:
        payload.update(call_type="in_progress", answered=None, duration=None)
    else:
        payload.update(call_type=status, answered=answered, duration=rng.randint(5, 900))
    if enriched and answered:
        payload.update(
            tags=["Quote requested"],
            call_summary=_phrase(rng, 40),
            sentiment="positive",
            conversational_transcript=transcript(rng, transcript_size),
        )
    return payload


def calls(count: int, newest: datetime, *, spacing: timedelta, transcript_size: int = 0) -> list[Call]:
    """``count`` ended calls, the newest at ``newest``, one every ``spacing`` before it."""
    return [
        Call.model_validate(
            call_payload(
                index, newest - spacing * index, enriched=transcript_size > 0, transcript_size=transcript_size
            )
        )
        for index in range(count)
    ]


def conversation_payload(index: int, last_message_at: datetime, messages: int = 2) -> dict[str, Any]:
    rng = random.Random(f"conversation{index}")
    company_id, company_name, zone = rng.choice(COMPANIES)
    recent = [
        {
            "id": f"{index}-{n}",
            "direction": "incoming" if n % 2 == 0 else "outgoing",
            "content": _phrase(rng, rng.randint(4, 25)),
            "created_at": (last_message_at - timedelta(minutes=5 * n)).isoformat(),
        }
        for n in range(messages)
    ]
    return {
        "id": f"CONVB{index:06d}",
        "company_id": company_id,
        "company_name": company_name,
        "company_time_zone": zone,
        "customer_phone_number": f"+1312555{index % 10_000:04d}",
        "customer_name": "Maria Delgado",
        "current_tracking_number": "+13125550100",
        "last_message_at": last_message_at.isoformat(),
        "state": "active",
        "recent_messages": recent,
    }


def conversation(index: int, last_message_at: datetime) -> Conversation:
    return Conversation.model_validate(conversation_payload(index, last_message_at))
