"""Call a caller back through CallRail: it rings the user's own phone (``my_phone``, asked once and saved
to the config file, changed from the confirmation), then the caller, who sees the tracking number they
dialled. A confirmation names both numbers first; every refusal (no number, outbound calling not enabled,
the budget, a bad number) is a message, never a crash."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tui import display
from tui.callrail.errors import CallRailError
from tui.config import ConfigError, save_settings, us_phone
from tui.context import context_of
from tui.widgets.modals import ChoicePrompt, TextPrompt

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.callrail.models import Call

CALL_NOW = "call"
OTHER_PHONE = "other-phone"


def _check_phone(text: str) -> str | None:
    return None if us_phone(text) else "Type a US or Canadian number, like 512-555-0164."


@dataclass(frozen=True)
class Callee:
    """Who is called back: their number, the tracking number they see (of ``company_id``), and their
    name as shown."""

    number: str | None
    tracking_number: str | None
    name: str
    company_id: str | None = None


def call_back(node: DOMNode, call: Call) -> None:
    """Start calling back ``call``'s caller from ``node`` (a screen): ask, confirm, place the call."""
    name = display.caller_name(call, mask=context_of(node).mask)
    call_back_to(node, Callee(call.customer_phone_number, call.tracking_phone_number, name, call.company_id))


def call_back_to(node: DOMNode, callee: Callee) -> None:
    """Call ``callee`` back from ``node`` (a screen): ask for ``my_phone`` once, confirm, place the call."""
    ctx = context_of(node)
    if not callee.number:
        node.notify("This caller's number is unknown, so they cannot be called back.", severity="warning")
        return
    if not callee.tracking_number:
        node.notify("No tracking number is known to call back from.", severity="warning")
        return
    if ctx.settings.my_phone:
        _confirm(node, callee, ctx.settings.my_phone)
    else:
        _ask_my_phone(node, callee)


def _ask_my_phone(node: DOMNode, callee: Callee, current: str = "") -> None:
    """Ask for the user's phone, save it for next time, and go on to the confirmation."""
    ctx = context_of(node)

    def entered(text: str | None) -> None:
        number = us_phone(text or "")
        if number is None:
            return
        try:
            save_settings(ctx.settings.config_path, my_phone=number)
        except (OSError, ConfigError) as error:
            node.notify(
                f"Could not save your number to {ctx.settings.config_path}: {error}", severity="error"
            )
        ctx.settings = replace(ctx.settings, my_phone=number)
        _confirm(node, callee, number)

    prompt = TextPrompt(
        "Your phone (CallRail rings it first, then the caller)",
        value=display.compact_phone(current) if current else "",
        placeholder="512-555-0164",
        hint="enter saves it for next time · escape cancels",
        check=_check_phone,
    )
    node.app.push_screen(prompt, entered)


def _confirm(node: DOMNode, callee: Callee, my_phone: str) -> None:
    ctx = context_of(node)
    caller = callee.name
    number = display.compact_phone(callee.number, mask=ctx.mask)
    tracking = display.compact_phone(callee.tracking_number)
    note = (
        f"CallRail rings your phone ({display.compact_phone(my_phone)}) first; when you answer, it calls "
        f"{number}, who sees {tracking}, the number they called."
    )
    choices = [
        (CALL_NOW, f"Call {caller} now"),
        (OTHER_PHONE, f"Ring another phone than {display.compact_phone(my_phone)}…"),
        ("cancel", "Cancel"),
    ]

    def chosen(choice: str | None) -> None:
        if choice == CALL_NOW:
            node.run_worker(
                _place(node, callee, my_phone), group="call-back", exclusive=True, exit_on_error=False
            )
        elif choice == OTHER_PHONE:
            _ask_my_phone(node, callee, current=my_phone)

    node.app.push_screen(ChoicePrompt(f"Call back {caller}?", choices, note=note), chosen)


async def _place(node: DOMNode, callee: Callee, my_phone: str) -> None:
    session = context_of(node).session
    try:
        await session.call_back(
            customer_phone_number=callee.number or "",
            tracking_number=callee.tracking_number or "",
            my_phone=my_phone,
            company_id=callee.company_id,
        )
    except CallRailError as error:
        node.notify(f"Could not call back: {error.message}", severity="error", markup=False, timeout=10)
        return
    node.notify("Calling: your phone rings first, then the caller.", markup=False)
