"""First run: ask for the API key, check it against the accounts endpoint, pick the account, save, start.

The key is typed into a password field and saved 0600 (``config.save_credentials``); it is never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from tui.callrail.errors import AuthError, CallRailError, NetworkError, PermissionDenied
from tui.callrail.models import Account
from tui.config import ConfigError, Settings, normalize_base_url, save_credentials, save_settings
from tui.logging_setup import register_secret
from tui.safe_text import literal
from tui.screens.hub_setup import HubCheck, HubSetup
from tui.widgets.account_picker import AccountPicker
from tui.widgets.footer import Footer


class KeyChecker(Protocol):
    async def list_accounts(self) -> list[Account]: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class SetupNeeds:
    """What the setup screen needs of the app: the settings so far, a client to check a key with, what to
    do with the saved settings (start the session), and where a failed worker is reported."""

    settings: Settings
    client_for_key: Callable[[str, str], KeyChecker]
    start: Callable[[Settings], None]
    report_failure: Callable[[Worker], None]
    check_hub: HubCheck | None = None  # offers "a team hub instead" when given


class SetupScreen(Screen[None]):
    HOME = True  # escape does not leave it (the app's ``action_back``)

    def __init__(self, needs: SetupNeeds) -> None:
        super().__init__()
        self._needs = needs
        self._checked: tuple[str, str] | None = None  # (key, base URL) the accounts belong to

    def compose(self) -> ComposeResult:
        settings = self._needs.settings
        with Vertical(id="setup-box"):
            yield Static(Text("Connect to CallRail", style="bold"), id="setup-title")
            yield Static(
                "Paste an API key (in CallRail: Settings → Integrations → API Keys). It is checked against "
                f"the server, then saved to {settings.config_path}, readable only by you.",
                id="setup-intro",
                markup=False,
            )
            yield Label("API key")
            yield Input(
                value=settings.api_key_value,
                password=True,
                placeholder="API key",
                id="setup-key",
            )
            yield Label("Server")
            yield Input(value=settings.base_url, placeholder="https://api.callrail.com/v3/", id="setup-url")
            with Horizontal(id="setup-buttons"):
                yield Button("Check key", id="setup-check", variant="primary")
                if self._needs.check_hub is not None:
                    yield Button("A team hub instead…", id="setup-hub")
            yield Static(id="setup-message")
            yield Label("Account", id="setup-accounts-label")
            yield AccountPicker(id="setup-accounts")
            with Horizontal(id="setup-save-row"):
                yield Button("Save and start", id="setup-save", variant="success", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#setup-accounts-label").display = False
        self.query_one("#setup-accounts").display = False
        self.query_one("#setup-key", Input).focus()
        if self._needs.settings.has_credentials:
            # A key from the environment or the file, but no account yet: check it right away.
            self._check_pressed()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#setup-message", Static)
        message.update(literal(text))
        message.set_class(error, "-error")

    # -- checking the key ----------------------------------------------------------------------------

    @on(Input.Submitted, "#setup-key, #setup-url")
    @on(Button.Pressed, "#setup-check")
    def _check_pressed(self) -> None:
        key = self.query_one("#setup-key", Input).value.strip()
        if not key:
            self._say("Type or paste the API key first.", error=True)
            return
        try:
            base_url = normalize_base_url(self.query_one("#setup-url", Input).value)
        except ValueError as error:
            self._say(f"Server: {error}", error=True)
            return
        self._say("Checking the key…")
        self.query_one("#setup-save", Button).disabled = True
        self._check(key, base_url)

    @work(exclusive=True, group="setup", exit_on_error=False)
    async def _check(self, key: str, base_url: str) -> None:
        client = self._needs.client_for_key(key, base_url)
        try:
            accounts = await client.list_accounts()
        except AuthError:
            self._say(
                "CallRail refused this key (401). Copy it again from CallRail and paste it here.", error=True
            )
            return
        except PermissionDenied as error:
            self._say(f"This key may not list accounts: {error.message}", error=True)
            return
        except NetworkError as error:
            self._say(f"Could not reach {base_url}: {error.message}", error=True)
            return
        except CallRailError as error:
            self._say(f"The server answered with an error: {error.message}", error=True)
            return
        finally:
            await client.aclose()
        register_secret(key)
        if not accounts:
            self._say("The key works, but it sees no accounts.", error=True)
            return
        self._show_accounts(accounts, key, base_url)

    def _show_accounts(self, accounts: list[Account], key: str, base_url: str) -> None:
        self._checked = key, base_url
        choices = self.query_one("#setup-accounts", AccountPicker)
        choices.clear_options()
        for account in accounts:
            label = literal(account.name or account.id, single_line=True)
            label.append(f"  {account.id}", style="dim")
            choices.add_option(Selection(label, account.id, id=account.id))
        choices.highlighted = 0
        self.query_one("#setup-accounts-label").display = True
        choices.display = True
        choices.focus()
        self.query_one("#setup-save", Button).disabled = False
        if len(accounts) == 1:
            self._say("The key works: 1 account. Press Enter to save and start.")
        else:
            self._say(
                f"The key works: {len(accounts)} accounts. Pick one and press Enter to save and start, "
                "or mark several with space to watch them all."
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._needs.report_failure(event.worker)

    # -- a team hub instead ----------------------------------------------------------------------------

    @on(Button.Pressed, "#setup-hub")
    def _hub_pressed(self) -> None:
        if self._needs.check_hub is not None:
            self.app.push_screen(HubSetup(self._needs.check_hub), self._hub_chosen)

    def _hub_chosen(self, chosen: tuple[str, str] | None) -> None:
        if chosen is None:
            return
        url, token = chosen
        register_secret(token)
        settings = self._needs.settings
        try:
            save_settings(settings.config_path, hub_url=url, hub_token=token)
        except (OSError, ConfigError) as error:
            self._say(f"Could not save {settings.config_path}: {error}", error=True)
            return
        self.notify(f"Saved to {settings.config_path} (readable only by you).", markup=False)
        self._needs.start(replace(settings, hub_url=url, hub_token=token))

    # -- saving --------------------------------------------------------------------------------------

    @on(AccountPicker.Chosen, "#setup-accounts")
    @on(Button.Pressed, "#setup-save")
    def _save_pressed(self) -> None:
        account_ids = self.query_one("#setup-accounts", AccountPicker).chosen()
        if self._checked is None or not account_ids:
            return
        key, base_url = self._checked
        settings = self._needs.settings
        try:
            save_credentials(settings.config_path, api_key=key, account_ids=account_ids, base_url=base_url)
        except (OSError, ConfigError) as error:
            self._say(f"Could not save {settings.config_path}: {error}", error=True)
            return
        several = tuple(account_ids) if len(account_ids) > 1 else ()
        settings = replace(
            settings, api_key=key, account_id=account_ids[0], accounts=several, base_url=base_url
        )
        self.notify(f"Saved to {settings.config_path} (readable only by you).", markup=False)
        self._needs.start(settings)
