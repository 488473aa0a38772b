"""The rate budget and poll state in one line: what is going on (and what went wrong, first), what is
used, what is left, and when the next poll is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui import display
from tui.live.events import PollState, PollStatus
from tui.safe_text import literal

if TYPE_CHECKING:
    from tui.callrail.budget import BudgetSnapshot

_SEPARATOR = " │ "
ACCOUNT_NAME_MAX = 18  # of each account's name, when the meter shows several

_STATE_WORDS: dict[PollState, tuple[str, str]] = {
    PollState.STARTING: ("◌ connecting", "budget-meter--muted"),
    PollState.OK: ("● live", "budget-meter--ok"),
    PollState.PAUSED: ("⏸ paused, p resumes", "budget-meter--warning"),
    PollState.OFFLINE: ("⚠ offline", "budget-meter--error"),
    PollState.RATE_LIMITED: ("⚠ rate limited", "budget-meter--warning"),
    PollState.AUTH_FAILED: ("✗ API key refused", "budget-meter--error"),
}


def describe(
    status: PollStatus | None,
    now: datetime,
    where: tzinfo | None = UTC,
    style: Callable[[str], str | object] = lambda name: "",
    *,
    short: bool = False,
) -> Text:
    """The meter's line, clock times in ``where`` (``None``: the computer's zone). ``style`` maps a
    component class name to a style (the widget passes its own). ``short`` abbreviates the units, for
    a narrow terminal (``API 7/800 h · 7/8,000 d``)."""
    if status is None:
        status = PollStatus(PollState.STARTING)
    word, word_style = _STATE_WORDS[status.state]
    line = Text(no_wrap=True, end="")
    line.append(word, style=style(word_style))
    muted = style("budget-meter--muted")

    if status.state in (PollState.OFFLINE, PollState.AUTH_FAILED, PollState.RATE_LIMITED):
        line.append(f" · last poll {display.format_clock(status.last_success, where)}", style=muted)
    if status.state is PollState.RATE_LIMITED and status.budget and status.budget.backoff_until:
        line.append(f" until {display.format_clock(status.budget.backoff_until, where)}")
    if status.message:
        # what went wrong comes before the numbers: a narrow line cuts off its end
        line.append(_SEPARATOR, style=muted)
        line.append_text(literal(status.message, single_line=True))
    if status.catch_up is not None:
        catch_up = status.catch_up
        reached, since = (
            display.format_clock(moment, where) for moment in (catch_up.reached, catch_up.since)
        )
        line.append(_SEPARATOR, style=muted)
        line.append(f"catching up: {catch_up.pages} pages read, back to {reached} of {since}")

    if len(status.accounts) > 1:
        for account in status.accounts:
            line.append(_SEPARATOR, style=muted)
            line.append_text(literal(account.name[:ACCOUNT_NAME_MAX], single_line=True))
            line.append(" ")
            if account.budget is not None:
                _append_budget(
                    line, account.budget, style, short=True, label="", between=" · ", days=not short
                )
    elif status.budget is not None:
        line.append(_SEPARATOR, style=muted)
        _append_budget(line, status.budget, style, short=short)

    if status.state not in (PollState.PAUSED, PollState.AUTH_FAILED):
        line.append(_SEPARATOR, style=muted)
        if status.next_poll_at is None or status.next_poll_at <= now:
            line.append("polling…")
        else:
            seconds = (status.next_poll_at - now).total_seconds()
            line.append(f"{'next' if short else 'next poll'} {display.format_countdown(seconds)}")
    return line


def _append_budget(
    line: Text,
    budget: BudgetSnapshot,
    style: Callable[[str], str | object],
    *,
    short: bool,
    label: str = "API ",
    between: str = _SEPARATOR,
    days: bool = True,
) -> None:
    """Requests used of the hour and the day, texts (and, once used, outbound calls) left; without
    ``days``, only what the hour leaves."""
    hour, day = (" h", " d") if short else (" hour", " day")
    muted = style("budget-meter--muted")
    line.append(label)
    line.append(
        f"{budget.used_hour:,}/{budget.limit_hour:,}",
        style=_level(budget.used_hour, budget.limit_hour, style),
    )
    line.append(f"{hour} · " if days else hour, style=muted)
    if days:
        line.append(
            f"{budget.used_day:,}/{budget.limit_day:,}",
            style=_level(budget.used_day, budget.limit_day, style),
        )
        line.append(day, style=muted)
    sms_hour = max(0, budget.sms_limit_hour - budget.sms_used_hour)
    sms_day = max(0, budget.sms_limit_day - budget.sms_used_day)
    line.append(between, style=muted)
    line.append("SMS " if short else "SMS left ")
    line.append(f"{min(sms_hour, sms_day):,}", style=style("budget-meter--error") if not sms_hour else "")
    line.append(f"{hour} · {sms_day:,}{day}" if days else hour, style=muted)
    if budget.calls_used_day:  # shown once the user has called back: the line is full enough
        calls_hour = max(0, budget.calls_limit_hour - budget.calls_used_hour)
        calls_day = max(0, budget.calls_limit_day - budget.calls_used_day)
        line.append(between, style=muted)
        line.append("Calls " if short else "Calls left ")
        line.append(
            f"{min(calls_hour, calls_day):,}",
            style=style("budget-meter--error") if not calls_hour else "",
        )
        line.append(f"{hour} · {calls_day:,}{day}" if days and not short else hour, style=muted)


def _level(used: int, limit: int, style: Callable[[str], str | object]):
    if limit and used >= limit:
        return style("budget-meter--error")
    if limit and used >= 0.9 * limit:
        return style("budget-meter--warning")
    return ""


class BudgetMeter(Widget):
    """Shows the latest ``PollStatus``; the countdown ticks once a second."""

    DEFAULT_CSS = """
    BudgetMeter {
        height: 1;
        width: 1fr;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "budget-meter--ok",
        "budget-meter--warning",
        "budget-meter--error",
        "budget-meter--muted",
    }

    status: reactive[PollStatus | None] = reactive(None, always_update=True)

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        where: tzinfo | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.now = now
        self.where = where

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        line = describe(self.status, self.now(), self.where, self.get_component_rich_style)
        if line.cell_len > self.size.width:
            line = describe(self.status, self.now(), self.where, self.get_component_rich_style, short=True)
        line.truncate(self.size.width, overflow="ellipsis")
        return line
