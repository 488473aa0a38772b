"""With a thread open, how soon the customer's reply is in the app: the ten-hour day's morning, on a
ManualClock as the freshness benchmark runs it, with a front desk that answers texts.

Whenever a text comes in and no thread is open, the user opens that conversation (``watch_thread``, as
the thread screen does; once: the customer's answer ends the exchange), sends a reply through the
session's outbox, and keeps the thread open until the customer answers or ``OPEN_FOR`` has passed. Every
simulated customer answers (the simulator's ``text_reply_chance`` at 1, after its usual 15 s to 5 min),
so the run has a reply for nearly every thread.
The figure is the p50 from each answer to the moment it was in the app's state; its baseline, the same
morning with the thread not read on its own (the conversations list's pace).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.figures import Figure, percentile
from benchmarks.scratch import scratch_dir
from tui.live.events import ConversationsChanged, InboundText, LiveEvent
from tui.sim import Simulator
from tui.sim.clock import ManualClock
from tui.wiring import session_on_simulator

OPEN_FOR = timedelta(minutes=6)
REPLY = "Thanks for your message, we can help. When suits you?"


@dataclass
class FrontDesk:
    """What the user sees: texts coming in, and when each conversation was last seen changed."""

    clock: ManualClock
    inbound: list[InboundText] = field(default_factory=list)
    changed_at: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)

    def __call__(self, event: LiveEvent) -> None:
        if isinstance(event, InboundText):
            self.inbound.append(event)
        elif isinstance(event, ConversationsChanged):
            for conversation in (*event.new, *event.changed):
                if conversation.last_message_at is not None:
                    seen = self.changed_at.setdefault(conversation.id, [])
                    seen.append((conversation.last_message_at, self.clock.now()))

    def seen_at(self, conversation_id: str, sent_at: datetime) -> datetime | None:
        for last_message_at, at in self.changed_at.get(conversation_id, ()):
            if last_message_at >= sent_at - timedelta(milliseconds=1) and at >= sent_at:
                return at
        return None


def answer_after(sim: Simulator, conversation_id: str, after: datetime) -> datetime | None:
    """When the customer answered in this conversation after ``after``, if they have."""
    conversation = sim.account.conversations[conversation_id]
    return next(
        (m.created_at for m in conversation.messages if m.direction == "incoming" and m.created_at > after),
        None,
    )


async def run_morning(
    config, start: datetime, length: timedelta, data_dir: Path, *, watch: bool = True
) -> tuple[list[float], int]:
    """Latencies (s) of the answers in open threads, and how many threads were opened; ``watch``: the
    session is told which thread is open."""
    config.text_reply_chance = 1.0
    clock = ManualClock(start)
    sim = Simulator(config, clock=clock)
    session = session_on_simulator(sim, data_dir=data_dir)
    desk = FrontDesk(clock)
    session.subscribe(desk)
    await session.start()
    latencies: list[float] = []
    opened = 0
    answered_in: set[str] = set()  # one reply per conversation: the customer's answer ends the exchange
    thread: tuple[str, datetime] | None = None  # the open conversation, and when the reply was sent
    try:
        while clock.now() < start + length:
            await session.poll_once()
            if thread is not None:
                conversation_id, sent_at = thread
                answered = answer_after(sim, conversation_id, sent_at)
                seen = desk.seen_at(conversation_id, answered) if answered else None
                if seen is not None or clock.now() - sent_at >= OPEN_FOR:
                    if seen is not None and answered is not None:
                        latencies.append((seen - answered).total_seconds())
                    if watch:
                        session.unwatch_thread(conversation_id)
                    thread = None
            fresh = [text for text in desk.inbound if text.conversation.id not in answered_in]
            desk.inbound.clear()  # the others were answered by colleagues
            if thread is None and fresh:
                conversation = fresh[-1].conversation
                answered_in.add(conversation.id)
                if watch:
                    session.watch_thread(conversation.id)
                session.send_text(
                    company_id=conversation.company_id or "",
                    customer_phone_number=conversation.customer_phone_number or "",
                    content=REPLY,
                )
                await session.outbox.process()
                thread, opened = (conversation.id, clock.now()), opened + 1
            clock.advance(session.poller.next_delay())
    finally:
        await session.stop()
    return latencies, opened


async def measure(make_config, start: datetime, length: timedelta, best_p50_s: float) -> list[Figure]:
    """``make_config``: a fresh ``SimConfig`` of the day; the goal is 1.5x the calls' best p50."""
    with scratch_dir("bench-open-thread-") as home:
        latencies, opened = await run_morning(make_config(), start, length, Path(home))
    with scratch_dir("bench-open-thread-unwatched-") as home:
        unwatched, _ = await run_morning(make_config(), start, length, Path(home), watch=False)
    p50 = percentile(latencies, 0.5)
    return [
        Figure("texts_open_thread_replies", len(latencies), "texts"),
        Figure("texts_open_thread_opened", opened, "threads"),
        Figure(
            "texts_open_thread_p50_s", p50, "s", goal=1.5 * best_p50_s, baseline=percentile(unwatched, 0.5)
        ),
        Figure("texts_open_thread_p50_ratio", p50 / best_p50_s, "x", goal=1.5),
    ]
