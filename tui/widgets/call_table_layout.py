"""The call table's columns: which fit a width, how wide each is, and cells cut or padded to fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text

GAP = 1


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    min_width: int  # room for the title and the sort arrow
    grow: int = 0  # share of the spare width
    keep: int = 5  # when the table is too narrow, the lowest goes first
    justify: Literal["left", "right"] = "left"


COLUMNS: tuple[Column, ...] = (
    Column("time", "Time", 9, keep=10),
    Column("company", "Company", 12, grow=3, keep=7),
    Column("caller", "Caller", 14, grow=3, keep=10),
    Column("location", "Location", 11, grow=1, keep=4),
    Column("source", "Source", 10, grow=1, keep=3),
    Column("tracking", "Tracking #", 12, keep=2),
    Column("status", "Status", 11, keep=9),
    Column("duration", "Dur", 5, keep=6, justify="right"),
    Column("first", "1st", 5, keep=1),
    Column("lead", "Lead", 10, keep=3),
    Column("tags", "Tags", 6, grow=2, keep=2),
)

Layout = list[tuple[Column, int]]


def layout_columns(width: int, columns: tuple[Column, ...] = COLUMNS) -> Layout:
    """The columns that fit in ``width`` cells and the width of each."""
    shown = list(columns)
    while len(shown) > 1 and sum(c.min_width for c in shown) + GAP * (len(shown) - 1) > width:
        shown.remove(min(shown, key=lambda c: c.keep))
    spare = max(0, width - sum(c.min_width for c in shown) - GAP * (len(shown) - 1))
    total_grow = sum(c.grow for c in shown) or 1
    widths = [c.min_width + spare * c.grow // total_grow for c in shown]
    # Whatever integer division left over goes to the widest-growing column.
    leftover = spare - sum(w - c.min_width for c, w in zip(shown, widths, strict=True))
    if leftover and any(c.grow for c in shown):
        index = max(range(len(shown)), key=lambda i: shown[i].grow)
        widths[index] += leftover
    return list(zip(shown, widths, strict=True))


def column_at(layout: Layout, x: int) -> str | None:
    """The key of the column under cell ``x`` (a gap belongs to the column on its left)."""
    left = 0
    for column, width in layout:
        if left <= x < left + width + GAP:
            return column.key
        left += width + GAP
    return None


def join_cells(cells: dict[str, Text], layout: Layout, line: Text) -> Text:
    """``line`` with each laid-out column's cell appended, fitted to its width, ``GAP`` apart."""
    for index, (column, width) in enumerate(layout):
        if index:
            line.append(" " * GAP)
        line.append_text(_fit(cells[column.key], width, column.justify))
    return line


def _fit(cell: Text, width: int, justify: Literal["left", "right"]) -> Text:
    """The cell cut (by terminal cells, with an ellipsis) or padded to exactly ``width``."""
    cell.truncate(width, overflow="ellipsis")
    padding = width - cell.cell_len
    if padding > 0:
        if justify == "right":
            cell.pad_left(padding)
        else:
            cell.pad_right(padding)
    return cell
