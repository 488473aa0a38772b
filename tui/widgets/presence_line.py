"""One line naming the colleagues (through a team hub) who have the same call or thread open, and who of
them is writing a reply; hidden when nobody is."""

from __future__ import annotations

from textual.widgets import Static

from tui.context import context_of
from tui.live.events import LiveEvent, TeamPresence
from tui.safe_text import clean


def describe(presence: TeamPresence, opened: str) -> str:
    here = [c for c in presence.colleagues if c.open == opened]
    writing = sorted({clean(c.name, single_line=True) for c in here if c.composing})
    watching = sorted({clean(c.name, single_line=True) for c in here} - set(writing))
    parts = []
    if writing:
        parts.append(f"{', '.join(writing)} {'is' if len(writing) == 1 else 'are'} writing a reply")
    if watching:
        parts.append(f"{', '.join(watching)} {'has' if len(watching) == 1 else 'have'} this open")
    return " · ".join(parts)


class PresenceLine(Static):
    DEFAULT_CSS = """
    PresenceLine {
        height: 1;
        color: $warning;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
    }
    """

    def __init__(self, opened: str, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.opened = opened

    def on_mount(self) -> None:
        context_of(self).live.subscribe(self, self._on_live)

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, TeamPresence):
            text = describe(event, self.opened)
            self.update(text)
            self.display = bool(text)
