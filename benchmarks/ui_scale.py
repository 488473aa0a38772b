"""The UI at scale: the real app, headless, with 10,000 calls in the feed.

- merge stall: a poll brings 250 calls (50 new, 200 changed); the longest the event loop was held up
  from parsing them to the repainted feed, measured by a task that sleeps 5 ms in a loop and records
  how late it wakes.
- key to repaint: ``j``/``k`` posted to the app one at a time; each is timed from the key event until
  the cursor has moved and the next frame has been composed (the screen's update, forced at once as
  ``pilot.pause`` does, instead of waiting for the next 60 fps tick). Headless, the frame is composed
  but not written to a terminal.
- opening a call with a 1 MB transcript: from pushing the call detail screen until its transcript has
  been laid out and the frame drawn.
- the texts list with 1,000 conversations: from handing them to the list until the frame is drawn, and
  key to repaint as above.

The baseline runs in the same process: the best a plain Textual ``DataTable`` can do, updated in place
by key with what each poll brought (changed cells updated, new rows added, then sorted newest first),
never cleared and refilled, and the transcript in one ``Static``. (The poll forgets no call, so neither
side removes a row.) The texts list's baseline is an ``OptionList`` of two-line options.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from benchmarks import synthetic
from benchmarks.figures import Figure, percentile
from benchmarks.scratch import scratch_dir
from tui import display
from tui.app import make_app
from tui.callrail.models import Call, Conversation
from tui.screenshots import SCENE_START, SIZE, scene, wait_for, wait_until_polled
from tui.widgets.call_table import CallTable
from tui.widgets.call_table_layout import COLUMNS
from tui.widgets.conversation_list import ConversationList, customer_label, newest_first, preview
from tui.widgets.transcript import Transcript

FEED_CALLS = 10_000
NEW_CALLS = 50
CHANGED_CALLS = 200
SPACING = timedelta(seconds=8)  # 10,000 calls over the day before the scene starts
BIG_TRANSCRIPT = 1_000_000
BIG_CALL_INDEX = 99_999_999
TEXT_CONVERSATIONS = 1_000
MONITOR_TICK = 0.005
SETTLE_S = 0.3


class StallMonitor:
    """Sleeps ``MONITOR_TICK`` in a loop on the event loop and keeps the worst lateness."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(MONITOR_TICK)
            self.worst = max(self.worst, time.perf_counter() - before - MONITOR_TICK)

    def __enter__(self) -> StallMonitor:
        self._task = asyncio.create_task(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    async def worst_during(self, work: Callable[[], Awaitable[None]]) -> float:
        """The longest stall (ms) while ``work`` runs and the app settles after it."""
        await asyncio.sleep(SETTLE_S)
        self.worst = 0.0
        await work()
        await asyncio.sleep(SETTLE_S)
        return self.worst * 1000


def poll_payloads(count: int) -> list[dict]:
    """What one poll brings: ``NEW_CALLS`` calls that just started, and the newest others changed."""
    new = [
        synthetic.call_payload(count + n, SCENE_START - timedelta(seconds=n), live=True)
        for n in range(NEW_CALLS)
    ]
    changed = []
    for index in range(CHANGED_CALLS):
        payload = synthetic.call_payload(index, SCENE_START - SPACING * (index + 1))
        payload.update(lead_status="good_lead", tags=["Quote requested", "Follow up"])
        changed.append(payload)
    return new + changed


async def key_latencies(app: App, cursor: Callable[[], int], keys: list[str]) -> list[float]:
    """Milliseconds from posting each key until the cursor has moved and the next frame is composed.

    ``pilot.press`` is not used to time it: it sleeps in ``wait_for_idle`` (at least 2 x 20 ms) after
    every key, which is the pilot's overhead, not the app's latency."""
    times = []
    for key in keys:
        before = cursor()
        started = time.perf_counter()
        app.post_message(events.Key(key, key if len(key) == 1 else None))
        while cursor() == before:
            await asyncio.sleep(0)
        app.screen._on_timer_update()
        times.append((time.perf_counter() - started) * 1000)
    return times


def key_sequence(presses: int, down: str, up: str) -> list[str]:
    """Down 40 rows (past the screen, so it scrolls) and back, over and over: every key moves the
    cursor (the table needs more than 40 rows)."""
    return [(down if (n // 40) % 2 == 0 else up) for n in range(presses)]


def big_transcript_call(size: int) -> Call:
    payload = synthetic.call_payload(BIG_CALL_INDEX, SCENE_START - timedelta(hours=1))
    payload.update(conversational_transcript=synthetic.transcript(random.Random(5), size))
    return Call.model_validate(payload)


# -- the app ---------------------------------------------------------------------------------------------


async def measure_feed(home: Path, count: int, presses: int, big: Call) -> tuple[float, float, float]:
    built = scene(home, notify_toast=True, notify_bell=True)
    session = built.session
    # In the store, so that they reach the feed as on a restart: loaded, announced, merged.
    stored = [*synthetic.calls(count, SCENE_START - SPACING, spacing=SPACING), big]
    session.store.upsert_calls(stored, seen_at=SCENE_START)
    app = make_app(session, built.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        table = app.screen.query_one(CallTable)
        await wait_for(pilot, lambda: table.row_count > count)
        rows_before = table.row_count
        payloads = poll_payloads(count)

        async def merge() -> None:
            calls = [Call.model_validate(payload) for payload in payloads]
            session.merge.calls(calls)  # what the poller hands each read to
            await wait_for(pilot, lambda: table.row_count >= rows_before + NEW_CALLS)
            await pilot.pause()

        with StallMonitor() as monitor:
            stall = await monitor.worst_during(merge)
        table.focus()
        keys = await key_latencies(app, lambda: table.cursor_row, key_sequence(presses, "j", "k"))

        started = time.perf_counter()
        app.open_call(big.id)
        await wait_for_transcript(pilot)
        opened = (time.perf_counter() - started) * 1000
        await session.stop()
    return stall, percentile(keys, 0.99), opened


async def wait_for_transcript(pilot: Pilot) -> None:
    """Until the screen on top has a laid-out transcript, then one frame."""

    def laid_out() -> bool:
        transcripts = pilot.app.screen.query(Transcript)
        return bool(transcripts) and transcripts.first().line_count > 1

    while not laid_out():
        await asyncio.sleep(0)
    pilot.app.screen._on_timer_update()


# -- the baseline ----------------------------------------------------------------------------------------


def row_of(call: Call) -> tuple[str, ...]:
    return (
        # sortable as text: the table sorts on this column to keep the newest call on top
        call.start_time.strftime("%m-%d %H:%M:%S") if call.start_time else "",
        call.company_name or "",
        display.caller_name(call, mask=False),
        display.location(call),
        display.source(call),
        call.tracking_phone_number or "",
        display.STATUS_LABELS[call.status],
        display.format_duration(call.duration),
        "new" if call.first_call else "",
        call.lead_status or "",
        ", ".join(call.tags),
    )


class DataTableApp(App[None]):
    """A DataTable kept in step with the calls by key; a transcript in one Static."""

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column.title, key=column.key)

    def apply(self, calls: list[Call]) -> None:
        """Update the cells of known calls that changed, add rows for new ones (dolphie's way)."""
        table = self.query_one(DataTable)
        added = False
        for call in calls:
            row = row_of(call)
            if call.id not in table.rows:
                table.add_row(*row, key=call.id)
                added = True
                continue
            for column, value in zip(COLUMNS, row, strict=True):
                if table.get_cell(call.id, column.key) != value:
                    table.update_cell(call.id, column.key, value)
        if added:
            table.sort("time", reverse=True)

    async def open_transcript(self, call: Call) -> None:
        turns = call.conversational_transcript
        text = "\n\n".join(f"{(turn.speaker or '').title()}  {turn.phrase}" for turn in turns)
        await self.mount(VerticalScroll(Static(text, markup=False)))


async def measure_data_table(count: int, presses: int, big: Call) -> tuple[float, float, float]:
    app = DataTableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        app.apply(synthetic.calls(count, SCENE_START - SPACING, spacing=SPACING))
        await pilot.pause()
        payloads = poll_payloads(count)

        async def merge() -> None:
            app.apply([Call.model_validate(payload) for payload in payloads])
            await pilot.pause()

        with StallMonitor() as monitor:
            stall = await monitor.worst_during(merge)
        table.focus()
        keys = await key_latencies(app, lambda: table.cursor_row, key_sequence(presses, "down", "up"))

        started = time.perf_counter()
        await app.open_transcript(big)
        await pilot.pause(0)
        opened = (time.perf_counter() - started) * 1000
    return stall, percentile(keys, 0.99), opened


# -- the texts list --------------------------------------------------------------------------------------


class TextsApp(App[None]):
    """The texts list on its own, or the baseline: an OptionList of the same conversations."""

    def __init__(self, *, baseline: bool) -> None:
        super().__init__()
        self.baseline = baseline

    def compose(self) -> ComposeResult:
        yield OptionList() if self.baseline else ConversationList(now=lambda: SCENE_START)

    def show(self, conversations: list[Conversation]) -> None:
        if not self.baseline:
            self.query_one(ConversationList).update_conversations(conversations)
            return
        options = [
            Option(f"{customer_label(c, mask=False)}  {c.company_name}\n{preview(c)}", id=c.id)
            for c in newest_first(conversations)
        ]
        self.query_one(OptionList).add_options(options).highlighted = 0

    def cursor(self) -> int | None:
        if self.baseline:
            return self.query_one(OptionList).highlighted
        return self.query_one(ConversationList).cursor


async def measure_texts(count: int, presses: int, *, baseline: bool) -> tuple[float, float]:
    """Milliseconds to show ``count`` conversations, and the p99 of key to repaint."""
    conversations = [synthetic.conversation(n, SCENE_START - timedelta(minutes=n)) for n in range(count)]
    app = TextsApp(baseline=baseline)
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        app.show(conversations)
        await pilot.pause(0)
        app.screen._on_timer_update()
        shown = (time.perf_counter() - started) * 1000
        app.query_one(OptionList if baseline else ConversationList).focus()
        keys = await key_latencies(app, app.cursor, key_sequence(presses, "down", "up"))
    return shown, percentile(keys, 0.99)


async def measure(
    count: int, presses: int, transcript_size: int = BIG_TRANSCRIPT, conversations: int = TEXT_CONVERSATIONS
) -> list[Figure]:
    big = big_transcript_call(transcript_size)
    with scratch_dir("bench-ui-") as home:
        stall, key_p99, opened = await measure_feed(Path(home), count, presses, big)
    table_stall, table_key_p99, static_opened = await measure_data_table(count, presses, big)
    texts_shown, texts_key_p99 = await measure_texts(conversations, presses, baseline=False)
    options_shown, options_key_p99 = await measure_texts(conversations, presses, baseline=True)
    return [
        Figure("ui_merge_max_stall_ms", stall, "ms", goal=50, baseline=table_stall),
        Figure("ui_key_p99_ms", key_p99, "ms", goal=100, baseline=table_key_p99),
        Figure("ui_open_big_transcript_ms", opened, "ms", goal=200, baseline=static_opened),
        Figure("ui_texts_show_ms", texts_shown, "ms", goal=500, baseline=options_shown),
        Figure("ui_texts_key_p99_ms", texts_key_p99, "ms", goal=100, baseline=options_key_p99),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    return asyncio.run(measure(FEED_CALLS, 120 if quick else 300))
