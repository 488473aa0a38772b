"""Memory: resident set size after a busy day, and its growth over a second day.

A fresh interpreter (``python -m benchmarks.memory CALLS TEXTS``) runs the app headless with its feed and
feeds a day of calls and texts through the live session the way the poller hands them over, one simulated
minute at a time: calls start (live), end, and get their transcript and summary; texts arrive in
conversations. Then the same again the next day, with new calls and new conversations. It reports VmRSS
(``/proc/self/status``) with the app mounted and empty (the baseline), after the first day, and after the
second. The API is unreachable and the poller paused: the records come from ``synthetic``, so the simulator's
own memory is not counted."""

from __future__ import annotations

import asyncio
import gc
import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.figures import Figure

DAY_CALLS = 5_000
DAY_TEXTS = 2_000
CONVERSATIONS = 700
DAY = timedelta(hours=10)
TICK = timedelta(minutes=1)
CALL_LENGTH = timedelta(minutes=3)
ENRICHED_AFTER = timedelta(minutes=8)
TRANSCRIPT_SIZE = 2_500  # characters: a few minutes of conversation
ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class DayFeed:
    """A day's calls and texts, minute by minute, as the poller would hand them to the session."""

    def __init__(self, start: datetime, day: int, calls: int, texts: int) -> None:
        self.start = start + timedelta(days=day)
        self.first_index = day * calls
        self.first_conversation = day * CONVERSATIONS  # a new day brings new conversations
        self.calls = calls
        self.texts = texts

    def _indices(self, count: int, since: datetime, until: datetime, after: timedelta) -> range:
        """The numbers n < count whose moment (spread evenly over the day, plus ``after``) is in
        [since, until)."""

        def first_at_or_after(moment: datetime) -> int:
            return min(count, max(0, math.ceil((moment - after - self.start) / DAY * count)))

        return range(first_at_or_after(since), first_at_or_after(until))

    def calls_at(self, since: datetime, until: datetime) -> list[dict]:
        """Every call that started, ended or was enriched in [since, until)."""
        from benchmarks import synthetic

        def started(n: int) -> datetime:
            return self.start + DAY * (n / self.calls)

        index = self.first_index
        return [
            *(
                synthetic.call_payload(index + n, started(n), live=True)
                for n in self._indices(self.calls, since, until, timedelta(0))
            ),
            *(
                synthetic.call_payload(index + n, started(n))
                for n in self._indices(self.calls, since, until, CALL_LENGTH)
            ),
            *(
                synthetic.call_payload(index + n, started(n), enriched=True, transcript_size=TRANSCRIPT_SIZE)
                for n in self._indices(self.calls, since, until, ENRICHED_AFTER)
            ),
        ]

    def conversations_at(self, since: datetime, until: datetime) -> list[dict]:
        """The conversations a text arrived in during [since, until)."""
        from benchmarks import synthetic

        return [
            synthetic.conversation_payload(
                self.first_conversation + n % CONVERSATIONS, self.start + DAY * (n / self.texts)
            )
            for n in self._indices(self.texts, since, until, timedelta(0))
        ]


async def feed_day(session, feed: DayFeed, pilot, tick: timedelta = TICK) -> None:
    from tui.callrail.models import Call, Conversation

    moment = feed.start
    while moment < feed.start + DAY + ENRICHED_AFTER:
        until = moment + tick
        calls = [Call.model_validate(payload) for payload in feed.calls_at(moment, until)]
        conversations = [Conversation.model_validate(p) for p in feed.conversations_at(moment, until)]
        session.merge.calls(calls)  # what the poller hands each read to
        session.merge.conversations(conversations)
        await pilot.pause(0)
        moment = until
    await pilot.pause()


def settled_rss() -> float:
    gc.collect()
    return rss_mb()


def child(calls: int, texts: int, data_dir: Path, tick: timedelta = TICK) -> dict[str, float]:
    from tui.app import make_app
    from tui.config import Settings
    from tui.wiring import session_for_account

    settings = Settings(
        api_key="bench-key",
        account_id="ACCBENCH",
        base_url="http://127.0.0.1:9/v3/",
        config_path=data_dir / "config.toml",
        data_dir=data_dir,
        state_dir=data_dir / "state",
        notify_toast=False,
        notify_bell=False,
    )
    session = session_for_account(
        api_key="bench-key", account_id="ACCBENCH", data_dir=data_dir, base_url=settings.base_url
    )
    session.set_paused(True)
    app = make_app(session, settings)
    figures: dict[str, float] = {}
    first_day = datetime.now(UTC) - timedelta(days=2)

    async def two_days() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            figures["empty"] = settled_rss()
            await feed_day(session, DayFeed(first_day, 0, calls, texts), pilot, tick)
            figures["day1"] = settled_rss()
            await feed_day(session, DayFeed(first_day, 1, calls, texts), pilot, tick)
            figures["day2"] = settled_rss()
            figures["calls_held"] = len(session.state.calls)
            figures["conversations_held"] = len(session.state.conversations)
            await session.stop()

    asyncio.run(two_days())
    return figures


def measure(calls: int = DAY_CALLS, texts: int = DAY_TEXTS, tick: timedelta = TICK) -> list[Figure]:
    """``tick``: how much of the day each hand-over brings (a coarser one for a smoke test)."""
    from benchmarks.scratch import scratch_dir

    with scratch_dir("bench-memory-") as home:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.memory",
                str(calls),
                str(texts),
                home,
                str(tick.total_seconds()),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    growth = (figures["day2"] - figures["day1"]) / figures["day1"] * 100
    return [
        Figure("rss_mb", figures["day1"], "MB", goal=150, baseline=figures["empty"]),
        Figure("rss_day2_mb", figures["day2"], "MB"),
        Figure("rss_growth_pct", growth, "%", goal=10),
        Figure("rss_calls_held", figures["calls_held"], "calls"),
        Figure("rss_conversations_held", figures["conversations_held"], "conversations"),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return measure()


if __name__ == "__main__":
    calls, texts, data_dir, tick_s = sys.argv[1:]
    print(json.dumps(child(int(calls), int(texts), Path(data_dir), timedelta(seconds=float(tick_s)))))
