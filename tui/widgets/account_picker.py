"""The accounts a key sees, to pick one (Enter) or several (space marks each, Enter takes the marked)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import SelectionList

from tui.widgets.list_keys import LIST_KEYS


class AccountPicker(SelectionList[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *LIST_KEYS,
        Binding("space", "select", "Mark"),
        Binding("enter", "choose", "Save and start"),
    ]

    class Chosen(Message):
        def __init__(self, picker: AccountPicker, account_ids: list[str]) -> None:
            super().__init__()
            self.picker = picker
            self.account_ids = account_ids

        @property
        def control(self) -> AccountPicker:
            return self.picker

    def chosen(self) -> list[str]:
        """The marked accounts in the order listed, or else the highlighted one."""
        if self.selected:
            marked = set(self.selected)
            return [option.value for option in self._options if option.value in marked]
        if self.highlighted is None:
            return []
        return [self.get_option_at_index(self.highlighted).value]

    def action_choose(self) -> None:
        account_ids = self.chosen()
        if account_ids:
            self.post_message(self.Chosen(self, account_ids))
