"""``?``: every key, screen by screen (read from the bindings themselves), and what the colours mean."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens.call_detail import CallDetailScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.feed import FeedScreen
from tui.screens.form_detail import FormDetailScreen
from tui.screens.forms import FormsScreen
from tui.screens.inbox import InboxScreen
from tui.screens.texts import TextsScreen
from tui.screens.thread import ThreadScreen
from tui.screens.webhooks import WebhooksScreen
from tui.widgets.list_keys import LIST_KEYS
from tui.widgets.sms_compose import SmsCompose

THREAD = "A text thread"
# The places whose keys are listed after the app's own ("Everywhere"), each with its bindings.
PLACES: tuple[tuple[str, Iterable[BindingType]], ...] = (
    ("Live feed", FeedScreen.BINDINGS),
    ("Moving in a list", LIST_KEYS),
    ("Companies", CompaniesScreen.BINDINGS),
    ("Call detail", CallDetailScreen.BINDINGS),
    ("Texts", TextsScreen.BINDINGS),
    ("Needs attention", InboxScreen.BINDINGS),
    (THREAD, (*ThreadScreen.BINDINGS, *SmsCompose.BINDINGS)),
    ("Forms", FormsScreen.BINDINGS),
    ("A form", FormDetailScreen.BINDINGS),
    ("Webhooks", WebhooksScreen.BINDINGS),
)
EXTRA_KEYS = (
    ("Everywhere", "^p", "Command palette: every action by name"),
    ("Everywhere", "^p", "… also turns toasts and the bell on or off"),
)

LEGEND = (
    ("● on call", "a call in progress right now", "help--live"),
    ("✗ missed / ✗ abandoned", "nobody answered: the caller may need a callback", "help--missed"),
    ("✉ voicemail", "the caller left a message", "help--voicemail"),
    ("← needs reply", "needs attention (i): the customer texted last and nobody has answered", ""),
    ("18h29, 4:05", "needs attention (i): how long it has waited, ticking", ""),
    ("new (1st)", "the caller's first call to this company, as CallRail counts it", ""),
    ("good lead / not a lead", "the lead status someone set on the call (l in call detail)", ""),
    ("was good", "the caller was marked a good lead on an earlier call", ""),
    ("● live", "polling normally; the meter shows requests used of this hour's and today's limit", ""),
    ("⏸ paused", "no polling until you press p", ""),
    ("⚠ offline", "the server cannot be reached; the app retries and shows the last good poll", ""),
    ("⚠ rate limited", "the server said slow down; polling waits and recovers by itself", ""),
    ("✗ API key refused", "the key is wrong or revoked; fix it in the config file or the environment", ""),
)


def _described(bindings: Iterable[BindingType]) -> list[Binding]:
    return [binding for binding in bindings if isinstance(binding, Binding) and binding.description]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "help--heading",
        "help--key",
        "help--live",
        "help--missed",
        "help--voicemail",
    }

    def __init__(self, *, enter_sends: bool = False) -> None:
        """``enter_sends``: the setting, which decides the key that sends a text (help opens before
        setup too, when there is no session yet)."""
        super().__init__()
        self._enter_sends = enter_sends

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(id="help-keys")
            yield Static(id="help-legend")
            yield Static("escape closes", id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-keys", Static).update(self._keys())
        self.query_one("#help-legend", Static).update(self._legend())

    def _key_text(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        keys = binding.key.split(",")
        return " ".join(self.app.get_key_display(Binding(key.strip(), "")) for key in keys)

    def _keys(self) -> Group:
        heading = self.get_component_rich_style("help--heading", partial=True)
        parts: list[Table | Text] = [Text("Keys", style=heading)]
        unused = SmsCompose.unused_actions(self._enter_sends)
        for title, place_bindings in (("Everywhere", self.app.BINDINGS), *PLACES):
            bindings = _described(place_bindings)
            if title == THREAD:  # which key sends follows the enter_sends setting
                bindings = [binding for binding in bindings if binding.action not in unused]
            if not bindings:
                continue
            table = Table.grid(padding=(0, 2))
            table.add_column(width=14, style=self.get_component_rich_style("help--key", partial=True))
            table.add_column()
            for binding in bindings:
                table.add_row(self._key_text(binding), binding.tooltip or binding.description)
            for place, key, text in EXTRA_KEYS:
                if place == title:
                    table.add_row(key, text)
            parts += [Text(title, style="bold"), table, Text("")]
        return Group(*parts)

    def _legend(self) -> Group:
        heading = self.get_component_rich_style("help--heading", partial=True)
        table = Table.grid(padding=(0, 2))
        table.add_column(width=24)
        table.add_column()
        for word, meaning, style in LEGEND:
            table.add_row(
                Text(word, style=self.get_component_rich_style(style, partial=True) if style else ""), meaning
            )
        return Group(Text("What the marks mean", style=heading), table)
