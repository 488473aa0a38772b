"""Small typed prompts: a line of text, a pick from a short list (the feed's sort), a lead status."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.safe_text import clean, literal
from tui.widgets.list_keys import ChoiceList


class TextPrompt(ModalScreen[str | None]):
    """Asks for one line; dismisses with the text (stripped, without control characters or escape
    sequences a paste can bring), or ``None`` on escape.

    ``check`` returns why a value is not acceptable, or ``None``.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "enter saves · escape cancels",
        check: Callable[[str], str | None] | None = None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(classes="prompt-modal")
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._hint = hint
        self._check = check
        self._allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label(self._title, classes="prompt-title")
            yield Input(literal(self._value, single_line=True).plain, placeholder=self._placeholder)
            yield Static(classes="prompt-error")
            yield Label(self._hint, classes="prompt-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = clean(event.value, single_line=True)
        problem = None
        if not value and not self._allow_empty:
            problem = "Type something, or press escape to cancel."
        elif value and self._check is not None:
            problem = self._check(value)
        if problem:
            self.query_one(".prompt-error", Static).update(literal(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of a short list; dismisses with the chosen id, or ``None`` on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], *, current: str | None = None, note: str = ""
    ) -> None:
        super().__init__(classes="prompt-modal")
        self._title = title
        self._choices = choices
        self._current = current
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label(self._title, classes="prompt-title")
            if self._note:
                yield Static(literal(self._note), classes="prompt-note")
            yield ChoiceList(
                *(Option(literal(label, single_line=True), id=key) for key, label in self._choices)
            )
            yield Label("enter picks · escape cancels", classes="prompt-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current is not None and any(key == self._current for key, _ in self._choices):
            options.highlighted = options.get_option_index(self._current)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LeadChoice(StrEnum):
    GOOD = "good_lead"
    NOT_A_LEAD = "not_a_lead"
    CLEAR = "clear"


LEAD_CHOICE_LABELS = {
    LeadChoice.GOOD: "Good lead",
    LeadChoice.NOT_A_LEAD: "Not a lead",
    LeadChoice.CLEAR: "Clear the lead status",
}


class LeadStatusPrompt(ModalScreen[LeadChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None = None) -> None:
        super().__init__(classes="prompt-modal")
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label("Lead status", classes="prompt-title")
            choices = LEAD_CHOICE_LABELS.items()
            yield ChoiceList(*(Option(label, id=choice.value) for choice, label in choices))
            yield Label("enter picks · escape cancels", classes="prompt-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current in (LeadChoice.GOOD, LeadChoice.NOT_A_LEAD):
            options.highlighted = options.get_option_index(self._current)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(LeadChoice(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
