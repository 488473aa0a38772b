"""Tagging a call from its detail: the account's existing tags to pick from (the company's and the
account's, read at most every few minutes), the call's own tags to remove, or a new one typed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.callrail.errors import CallRailError
from tui.callrail.models import Call
from tui.context import context_of
from tui.widgets.modals import ChoicePrompt, TextPrompt

if TYPE_CHECKING:
    from tui.screens.call_detail import CallDetailScreen

NEW = "new"


def tag_call(screen: CallDetailScreen, call: Call) -> None:
    screen.run_worker(_offer(screen, call), group="tag-call", exclusive=True, exit_on_error=False)


async def _offer(screen: CallDetailScreen, call: Call) -> None:
    try:
        known = await context_of(screen).session.tag_names(call.company_id)
    except CallRailError as error:
        screen.notify(
            f"Could not read the account's tags ({error.message}); type one instead.",
            severity="warning",
            markup=False,
        )
        known = []
    current = list(call.tags)
    # option ids are positions: tag names are the account's text, not identifiers
    actions = [("remove", name) for name in current] + [("add", n) for n in known if n not in current]
    labels = [f"Remove “{name}”" if kind == "remove" else f"Add “{name}”" for kind, name in actions]
    choices = [(str(index), label) for index, label in enumerate(labels)] + [(NEW, "A new tag…")]

    def chosen(choice: str | None) -> None:
        if choice == NEW:
            _type_new(screen)
        elif choice is not None:
            kind, name = actions[int(choice)]
            if kind == "add":
                screen.save(f"tag “{name}”", tags=[name], append_tags=True)
            else:
                screen.save(f"removal of “{name}”", tags=[tag for tag in current if tag != name])

    note = "Add one of the account's tags, remove one of this call's, or make a new one."
    screen.app.push_screen(ChoicePrompt("Tags", choices, note=note), chosen)


def _type_new(screen: CallDetailScreen) -> None:
    def added(name: str | None) -> None:
        if name:
            screen.save(f"tag “{name}”", tags=[name], append_tags=True)

    screen.app.push_screen(TextPrompt("A new tag", placeholder="Tag name, e.g. Quote requested"), added)
