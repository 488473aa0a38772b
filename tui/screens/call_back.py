"""Call a caller back through CallRail: it rings the user's own phone (``my_phone``, asked once and saved
to the config file), then the caller, who sees the tracking number they dialled. A confirmation names
both numbers first; every refusal (no number, outbound calling not enabled, the budget, a bad number) is
a message, never a crash."""

from __future__ import annotations

from textual.dom import DOMNode

from tui import display
from tui.callrail.errors import CallRailError
from tui.callrail.models import Call
from tui.config import ConfigError, save_settings, us_phone
from tui.context import context_of
from tui.widgets.modals import ChoicePrompt, TextPrompt

CALL_NOW = "call"


def _check_phone(text: str) -> str | None:
    return None if us_phone(text) else "Type a US or Canadian number, like 512-555-0164."


def call_back(node: DOMNode, call: Call) -> None:
    """Start calling back ``call``'s caller from ``node`` (a screen): ask, confirm, place the call."""
    ctx = context_of(node)
    if not call.customer_phone_number:
        node.notify("This caller's number is unknown, so they cannot be called back.", severity="warning")
        return
    if not call.tracking_phone_number:
        node.notify("This call has no tracking number to call back from.", severity="warning")
        return
    if ctx.settings.my_phone:
        _confirm(node, call, ctx.settings.my_phone)
        return

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
        ctx.settings = ctx.settings.model_copy(update={"my_phone": number})
        _confirm(node, call, number)

    prompt = TextPrompt(
        "Your phone (CallRail rings it first, then the caller)",
        placeholder="512-555-0164",
        hint="enter saves it for next time · escape cancels",
        check=_check_phone,
    )
    node.app.push_screen(prompt, entered)


def _confirm(node: DOMNode, call: Call, my_phone: str) -> None:
    ctx = context_of(node)
    caller = display.caller_name(call, mask=ctx.mask)
    number = display.compact_phone(call.customer_phone_number, mask=ctx.mask)
    tracking = display.compact_phone(call.tracking_phone_number)
    note = (
        f"CallRail rings your phone ({display.compact_phone(my_phone)}) first; when you answer, it calls "
        f"{number}, who sees {tracking}, the number they called."
    )
    choices = [(CALL_NOW, f"Call {caller} now"), ("cancel", "Cancel")]

    def chosen(choice: str | None) -> None:
        if choice == CALL_NOW:
            node.run_worker(
                _place(node, call, my_phone), group="call-back", exclusive=True, exit_on_error=False
            )

    node.app.push_screen(ChoicePrompt(f"Call back {caller}?", choices, note=note), chosen)


async def _place(node: DOMNode, call: Call, my_phone: str) -> None:
    session = context_of(node).session
    try:
        await session.call_back(
            customer_phone_number=call.customer_phone_number or "",
            tracking_number=call.tracking_phone_number or "",
            my_phone=my_phone,
        )
    except CallRailError as error:
        node.notify(f"Could not call back: {error.message}", severity="error", markup=False, timeout=10)
        return
    node.notify("Calling: your phone rings first, then the caller.", markup=False)
