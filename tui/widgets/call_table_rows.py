"""What the call table's lines say: the header's titles and each call's cells, styled by its status."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text

from tui import display
from tui.callrail.call_row import CallRow, CallStatus
from tui.safe_text import clean, literal
from tui.widgets.call_table_layout import COLUMNS

if TYPE_CHECKING:
    from rich.style import Style

STATUS_CLASSES = {
    CallStatus.IN_PROGRESS: "call-table--live",
    CallStatus.MISSED: "call-table--missed",
    CallStatus.ABANDONED: "call-table--missed",
    CallStatus.VOICEMAIL: "call-table--voicemail",
}


def header_cells(sort_column: str, descending: bool, sorted_style: Style) -> dict[str, Text]:
    """Each column's title; the sorted one marked with its direction."""
    cells = {}
    for column in COLUMNS:
        if column.key == sort_column:
            cells[column.key] = Text(f"{column.title} {'▼' if descending else '▲'}", style=sorted_style)
        else:
            cells[column.key] = Text(column.title)
    return cells


def call_cells(
    call: CallRow,
    *,
    time: str,
    company: str,
    duration: int | None,
    mask: bool,
    style: Callable[[str], Style],
) -> dict[str, Text]:
    """Each column's text for ``call``; ``style`` gives a component class's style."""
    muted = style("call-table--muted")
    cells = {
        "time": literal(time),
        "company": literal(company, single_line=True),
        "caller": literal(display.caller_name(call, mask=mask), single_line=True),
        "location": literal(display.location(call), muted, single_line=True),
        "source": literal(display.source(call), single_line=True),
        "tracking": literal(
            display.compact_phone(call.tracking_phone_number, call.formatted_tracking_phone_number),
            muted,
            single_line=True,
        ),
        "status": literal(display.STATUS_LABELS[call.status]),
        "duration": literal(display.format_duration(duration)),
        "first": literal("new" if call.first_call else ""),
        "lead": literal(display.lead_status(call.lead_status), single_line=True),
        "tags": literal(", ".join(clean(tag, single_line=True) for tag in call.tags)),
    }
    status_class = STATUS_CLASSES.get(call.status)
    if status_class is not None:
        status_style = style(status_class)
        cells["status"].stylize(status_style)
        if call.status is not CallStatus.IN_PROGRESS:
            cells["caller"].stylize(status_style)
    return cells
