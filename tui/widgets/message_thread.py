"""A text conversation like a chat: oldest at the top, newest at the bottom, incoming and outgoing
styled apart, followed by this customer's texts still in the outbox with their state.

Bubbles are keyed by message (or outbox item) and updated in place; new ones are mounted at the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui import display
from tui.callrail.models import TextMessage
from tui.live.events import OutboxItem, OutboxState
from tui.safe_text import clean, mask_in_text
from tui.widgets.sms_compose import STATE_LABELS

UNKNOWN_HINT = "Did it go out? ctrl+o: yes, mark it as sent · ctrl+t: no, send it again."
HELD_HINT = "Send yours too? ctrl+t: yes, send it · ctrl+o: no, leave it to them."


def message_key(message: TextMessage) -> str:
    if message.id:
        return f"m-{message.id}"
    # messages in a send response carry no id
    seed = f"{message.created_at}|{message.direction}|{message.content}"
    return "h-" + hashlib.blake2s(seed.encode(), digest_size=8).hexdigest()


def _time(moment: datetime | None, where: tzinfo, now: datetime) -> str:
    """``14:05 CST``: a thread's times carry their zone (the company's, or the user's)."""
    return f"{display.format_time(moment, where, now)} {moment.astimezone(where):%Z}" if moment else ""


def _body(text: str | None, masked: list[str] | None) -> str:
    """What a message says, with numbers and the words of the ``masked`` names hidden (mask on)."""
    body = clean(text)
    return mask_in_text(body, masked) if masked is not None else body


def message_content(
    message: TextMessage,
    *,
    customer: str,
    where: tzinfo,
    now: datetime,
    sent_by: str = "",
    masked: list[str] | None = None,
) -> Content:
    if message.incoming:
        who = customer
    elif sent_by:  # a colleague, through a team hub
        who = clean(sent_by, single_line=True)
    else:
        who = "You" + (
            f" ({clean(message.user.name, single_line=True)})" if message.user and message.user.name else ""
        )
    meta = " · ".join(
        part
        for part in (who, _time(message.created_at, where, now), clean(message.status, single_line=True))
        if part
    )
    body = _body(message.content, masked) or ("(picture)" if message.media_urls else "(empty)")
    return Content.assemble((meta, "dim"), "\n", body)


def outbox_content(
    item: OutboxItem, *, where: tzinfo, now: datetime, masked: list[str] | None = None
) -> Content:
    state = STATE_LABELS[item.state]
    who = clean(item.sent_by, single_line=True) or "You"  # through a hub: the colleague who sent it
    meta = " · ".join(part for part in (who, _time(item.created_at, where, now), state) if part)
    lines: list[Content | str | tuple[str, str]] = [(meta, "bold"), "\n", _body(item.content, masked)]
    if item.error:
        lines += ["\n", (clean(item.error, single_line=True), "italic")]
    if item.state in (OutboxState.UNKNOWN, OutboxState.HELD):
        lines += ["\n", (UNKNOWN_HINT if item.state is OutboxState.UNKNOWN else HELD_HINT, "bold")]
    return Content.assemble(*lines)


def colleagues_messages(messages: list[TextMessage], outbox: Iterable[OutboxItem]) -> dict[str, str]:
    """Outgoing messages a colleague sent through a team hub (their outbox items carry ``sent_by``): who
    sent each, by message key."""
    senders: dict[str, str] = {}
    for item in outbox:
        if item.state is not OutboxState.SENT or not item.sent_by:
            continue
        text = " ".join(item.content.split())
        for message in messages:
            key = message_key(message)
            same = " ".join((message.content or "").split()).startswith(text)
            if not message.incoming and same and key not in senders:
                senders[key] = item.sent_by
                break
    return senders


def pending_items(messages: list[TextMessage], outbox: Iterable[OutboxItem]) -> list[OutboxItem]:
    """Outbox items to show: all but the sent ones already visible as messages in the thread."""
    shown = {" ".join((m.content or "").split()) for m in messages if not m.incoming}
    pending = []
    for item in outbox:
        text = " ".join(item.content.split())
        if item.state is OutboxState.SENT and any(content.startswith(text) for content in shown):
            continue
        pending.append(item)
    return pending


class Bubble(Container):
    """One message: a box at the left (incoming) or the right (outgoing) of the thread."""

    DEFAULT_CSS = """
    Bubble {
        height: auto;
        margin: 1 0 0 0;
        &.outgoing { align-horizontal: right; }
        & > Static { width: 80%; height: auto; padding: 0 1; }
        &.incoming > Static { border-left: wide $primary; background: $primary 10%; }
        &.outgoing > Static { border-right: wide $accent; background: $accent 10%; }
        &.-queued > Static, &.-sending > Static { border-right: wide $warning; }
        &.-unknown > Static, &.-held > Static, &.-failed > Static {
            border-right: wide $error; background: $error 15%;
        }
    }
    """

    def __init__(self, content: Content, classes: str) -> None:
        super().__init__(classes=classes)
        self._content = content

    def compose(self) -> ComposeResult:
        yield Static(self._content)

    def show(self, content: Content, classes: str) -> None:
        if content != self._content:
            self._content = content
            self.query_one(Static).update(content)
        self.set_classes(classes)


class MessageThread(VerticalScroll):
    """``show`` takes messages newest first (as the API gives them) and lays them out oldest first."""

    DEFAULT_CSS = """
    MessageThread {
        padding: 0 1;
        & > .message-empty { color: $text-muted; text-style: italic; margin: 1 0; }
        & > .message-older { color: $text-muted; text-style: italic; margin: 1 0 0 0; }
    }
    """

    def __init__(self, *, empty: str = "No texts yet.", id: str | None = None) -> None:
        super().__init__(id=id)
        self._empty = empty
        self._bubbles: dict[str, Bubble] = {}
        self._shown_keys: list[str] = []

    def compose(self) -> ComposeResult:
        older = Static("", classes="message-older", markup=False)
        older.display = False
        yield older
        yield Static(self._empty, classes="message-empty")

    def show_older_hint(self, hint: str) -> None:
        """A line above the oldest message saying that older ones exist and how to load them."""
        older = self.query_one(".message-older", Static)
        older.update(hint)
        older.display = bool(hint)

    @property
    def shown_keys(self) -> list[str]:
        return self._shown_keys

    def show(
        self,
        messages_newest_first: list[TextMessage],
        outbox: Iterable[OutboxItem],
        *,
        customer: str,
        where: tzinfo = UTC,
        now: datetime | None = None,
        masked: list[str] | None = None,
    ) -> None:
        """``masked``: the names whose words the bodies hide (mask on), with every phone number."""
        now = now or datetime.now(UTC)
        messages = list(reversed(messages_newest_first))
        outbox = list(outbox)
        senders = colleagues_messages(messages, outbox)
        wanted: list[tuple[str, Content, str]] = []
        for message in messages:
            kind = "incoming" if message.incoming else "outgoing"
            sent_by = senders.get(message_key(message), "")
            content = message_content(
                message, customer=customer, where=where, now=now, sent_by=sent_by, masked=masked
            )
            wanted.append((message_key(message), content, f"message {kind}"))
        for item in pending_items(messages, outbox):
            content = outbox_content(item, where=where, now=now, masked=masked)
            wanted.append((f"o-{item.id}", content, f"message outgoing outbox -{item.state.value}"))
        self._apply(wanted)

    def _apply(self, wanted: list[tuple[str, Content, str]]) -> None:
        keys = [key for key, _, _ in wanted]
        at_bottom = self.scroll_y >= self.max_scroll_y - 1
        for key in set(self._bubbles) - set(keys):
            self._bubbles.pop(key).remove()
        existing = set(self._bubbles)
        added = False
        for index, (key, content, classes) in enumerate(wanted):
            bubble = self._bubbles.get(key)
            if bubble is not None:
                bubble.show(content, classes)
                continue
            bubble = self._bubbles[key] = Bubble(content, classes)
            following = next((k for k, _, _ in wanted[index + 1 :] if k in existing), None)
            # messages never change order, so a new one goes before the first known one after it
            self.mount(bubble, before=self._bubbles[following] if following else None)
            added = True
        self._shown_keys = keys
        self.query_one(".message-empty").display = not keys
        if at_bottom or added:
            self.call_after_refresh(self.scroll_end, animate=False)
