"""Setup's other way in: a team hub's address and this viewer's token, checked against the hub before the
setup screen saves them (the token 0600, like a key) and starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.callrail.errors import CallRailError
from tui.safe_text import literal

HubCheck = Callable[[str, str], Awaitable[str]]  # (url, token) -> the hub's account name


class HubSetup(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (hub URL, token) once the hub took the token, or ``None`` on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, check: HubCheck) -> None:
        super().__init__(classes="prompt-modal")
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label("Watch a team hub", classes="prompt-title")
            yield Input(placeholder="the hub's address, like https://hub.example.net", id="hub-url")
            yield Input(placeholder="your token (from the hub's owner)", password=True, id="hub-token")
            yield Static(classes="prompt-error")
            yield Label("enter checks and connects · escape cancels", classes="prompt-hint")

    def _say(self, text: str) -> None:
        self.query_one(".prompt-error", Static).update(literal(text))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        url = self.query_one("#hub-url", Input).value.strip()
        token = self.query_one("#hub-token", Input).value.strip()
        if not url:
            self.query_one("#hub-url", Input).focus()
            return
        if not token:
            self.query_one("#hub-token", Input).focus()
            return
        self._say("Checking…")
        self._connect(url, token)

    @work(exclusive=True, group="hub-setup", exit_on_error=False)
    async def _connect(self, url: str, token: str) -> None:
        try:
            await self._check(url, token)
        except ValueError as error:
            self._say(str(error))
        except CallRailError as error:
            self._say(error.message)
        else:
            self.dismiss((url, token))

    def action_cancel(self) -> None:
        self.dismiss(None)
