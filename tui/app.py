"""The Textual app: screens, keys, the command palette, and the bridge from the live session to widgets.

The session is built outside (``tui.cli``) and injected through ``make_app``, which the tests reuse. Each
live event reaches the app as a ``LiveUpdate`` message and is published on ``live_signal``; screens and
widgets subscribe to it in ``on_mount``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable
from datetime import tzinfo

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui import display
from tui.callrail.client import CallRailClient
from tui.callrail.models import NEEDS_CALLBACK, Call
from tui.config import Settings, permission_warning
from tui.live.events import CallsChanged, InboundCall, InboundText, LiveEvent
from tui.live.session import LiveSession, build_session
from tui.messages import CompanyChosen, LiveUpdate
from tui.safe_text import clean
from tui.screens.feed import FeedScreen
from tui.screens.setup import SetupScreen
from tui.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)

FREEZE_AFTER_CALLS = 500
_NEEDS_SESSION = frozenset({"feed", "companies", "texts", "toggle_pause", "refresh_now"})

SessionFactory = Callable[[Settings], LiveSession]
ClientFactory = Callable[[str, str], CallRailClient]


def session_from_settings(settings: Settings) -> LiveSession:
    """The live session for the account the settings name (a real one, or ``callrail-tui sim``)."""
    if not settings.account_id:
        raise ValueError("no account chosen")
    return build_session(
        api_key=settings.api_key_value,
        account_id=settings.account_id,
        data_dir=settings.data_dir,
        base_url=settings.base_url,
        state_dir=settings.state_dir,
        share=settings.share,
    )


def client_for_key(api_key: str, base_url: str) -> CallRailClient:
    """A client with no budget, for the setup screen's one request."""
    return CallRailClient(api_key, base_url=base_url, deadline=15.0)


class CallRailApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "CallRail"
    BINDINGS = [
        Binding("f", "feed", "Feed", tooltip="The live call feed"),
        Binding("c", "companies", "Companies", tooltip="Companies, with today's calls; pick one to filter"),
        Binding("t", "texts", "Texts", tooltip="Text conversations"),
        Binding("p", "toggle_pause", "Pause", tooltip="Pause or resume polling"),
        Binding("R", "refresh_now", "Refresh", tooltip="Poll now, ahead of the schedule"),
        Binding("m", "toggle_mask", "Mask", show=False, tooltip="Hide or show caller names and numbers"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "quit", "Quit"),
    ]

    mask: reactive[bool] = reactive(False)
    paused: reactive[bool] = reactive(False)

    def __init__(
        self,
        session: LiveSession | None,
        settings: Settings,
        *,
        session_factory: SessionFactory = session_from_settings,
        client_factory: ClientFactory = client_for_key,
        title_note: str = "",
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.session_factory = session_factory
        self.client_factory = client_factory
        self.live_signal: Signal[LiveEvent] = Signal(self, "live")
        self.set_reactive(CallRailApp.mask, settings.mask)
        self.sub_title = title_note
        self._ringing: set[str] = set()
        self._unfrozen_calls = 0

    # -- places ---------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # In setup mode the setup screen is pushed on top of a blank one, so that it can be switched for
        # the feed (the default screen itself cannot be switched away).
        return FeedScreen() if self.session is not None else Screen(id="blank")

    @property
    def feed(self) -> FeedScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, FeedScreen):
                return screen
        return None

    @property
    def display_zone(self) -> tzinfo | None:
        """The zone the user asked for, or ``None`` (each company's own zone)."""
        name = self.settings.display_time_zone
        return display.zone(name) if name else None

    def zone_for(self, call: Call) -> tzinfo:
        if self.session is None:
            return display.zone(self.settings.display_time_zone or call.company_time_zone)
        return self.display_zone or self.session.state.zone_for(call.company_id, call.company_time_zone)

    def company_name(self, company_id: str | None, fallback: str | None = None) -> str:
        company = self.session.companies.get(company_id or "") if self.session else None
        return clean((company.name if company else None) or fallback or "", single_line=True)

    # -- the live session -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._add_status_bar)
        warning = permission_warning(self.settings.config_path)
        if warning:
            self.notify(warning, severity="warning", timeout=20, markup=False)
        if self.session is not None:
            self._start_session()
        else:
            self.push_screen(SetupScreen())

    def attach_session(self, session: LiveSession, settings: Settings) -> None:
        """After the setup screen: run this session and show the feed."""
        self.session, self.settings = session, settings
        self._start_session()
        self.switch_screen(FeedScreen())

    def _start_session(self) -> None:
        assert self.session is not None
        self.session.subscribe(lambda event: self.post_message(LiveUpdate(event)))
        self.run_worker(
            self._run_session, name="live session", group="poller", exclusive=True, exit_on_error=False
        )

    async def _run_session(self) -> None:
        assert self.session is not None
        await self.session.start()
        await self.session.run()

    async def _stop_session(self) -> None:
        if self.session is not None:
            self.workers.cancel_group(self, "poller")
            await self.session.stop()

    def on_live_update(self, message: LiveUpdate) -> None:
        event = message.event
        if isinstance(event, InboundCall):
            self._announce_call(event.call)
        elif isinstance(event, InboundText):
            who = display.phone_number(
                event.conversation.customer_phone_number,
                event.conversation.formatted_customer_phone_number,
                mask=self.mask,
            )
            if event.conversation.customer_name and not self.mask:
                who = clean(event.conversation.customer_name, single_line=True)
            self._alert(f"New text from {who}", title=self.company_name(event.conversation.company_id))
        elif isinstance(event, CallsChanged):
            self._note_missed(event.changed)
            self._freeze_long_lived(len(event.new))
        self.live_signal.publish(event)

    def _freeze_long_lived(self, arrived: int) -> None:
        """Calls live all day: once a good number has arrived, move what is alive to the GC's permanent
        generation, so a full collection does not walk 10,000 calls again and stall the UI (~300 ms)."""
        self._unfrozen_calls += arrived
        if self._unfrozen_calls >= FREEZE_AFTER_CALLS:
            self._unfrozen_calls = 0
            gc.collect(1)
            gc.freeze()

    def _announce_call(self, call: Call) -> None:
        if call.is_live:
            self._ringing.add(call.id)
        company = self.company_name(call.company_id, call.company_name)
        if call.status in NEEDS_CALLBACK:
            self._alert(
                f"Missed call from {display.caller_name(call, mask=self.mask)}", title=company, warn=True
            )
        else:
            self._alert(f"Call from {display.caller_name(call, mask=self.mask)}", title=company)

    def _note_missed(self, calls: Iterable[Call]) -> None:
        """A call seen ringing that ended unanswered gets its own (warning) toast."""
        for call in calls:
            if call.id not in self._ringing or call.is_live:
                continue
            self._ringing.discard(call.id)
            if call.status in NEEDS_CALLBACK:
                company = self.company_name(call.company_id, call.company_name)
                self._alert(
                    f"Missed call from {display.caller_name(call, mask=self.mask)}", title=company, warn=True
                )

    def _alert(self, text: str, *, title: str = "", warn: bool = False) -> None:
        if self.settings.notify_toast:
            self.notify(text, title=title, severity="warning" if warn else "information", markup=False)
        if self.settings.notify_bell:
            self.bell()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.report_worker_failure(event.worker)

    def report_worker_failure(self, worker: Worker) -> None:
        """The one place a failed worker ends up: logged, told to the user, never a crash."""
        error = worker.error
        log.error("worker %r failed", worker.name, exc_info=error)
        detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        self.notify(f"{worker.name or 'A task'} failed: {detail}", severity="error", markup=False, timeout=10)

    # -- actions --------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a session (the setup screen) only help, mask and quit make sense.
        return self.session is not None or action not in _NEEDS_SESSION

    def action_feed(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, FeedScreen):
            self.pop_screen()

    # The other screens are imported when first opened: the first frame needs only the feed.

    def action_companies(self) -> None:
        from tui.screens.companies import CompaniesScreen

        if not isinstance(self.screen, CompaniesScreen):
            self.push_screen(CompaniesScreen())

    def action_texts(self) -> None:
        from tui.screens.texts import TextsScreen

        if not isinstance(self.screen, TextsScreen):
            self.push_screen(TextsScreen())

    def open_call(self, call_id: str) -> None:
        from tui.screens.call_detail import CallDetailScreen

        self.push_screen(CallDetailScreen(call_id))

    def reply_to(self, call: Call) -> None:
        """Open the text thread with this caller (a new one if they never texted)."""
        from tui.screens.thread import ThreadScreen

        number = call.customer_phone_number
        if not number or self.session is None:
            self.notify("This caller's number is unknown, so they cannot be texted.", severity="warning")
            return
        conversation = self.session.state.conversation_for(number, call.company_id)
        self.push_screen(ThreadScreen(conversation.id if conversation else None, number, call.company_id))

    def action_back(self) -> None:
        if len(self.screen_stack) > 1 and not isinstance(self.screen, FeedScreen | SetupScreen):
            self.pop_screen()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_pause(self) -> None:
        assert self.session is not None
        self.paused = not self.paused
        self.session.set_paused(self.paused)
        self.notify("Polling paused; press p to resume." if self.paused else "Polling resumed.")

    def action_refresh_now(self) -> None:
        assert self.session is not None
        self.session.refresh_now()
        if self.paused:
            self.notify("Polling is paused; press p to resume.", severity="warning")

    def action_toggle_mask(self) -> None:
        self.mask = not self.mask

    def watch_mask(self, mask: bool) -> None:
        self.settings = self.settings.model_copy(update={"mask": mask})

    async def action_quit(self) -> None:
        await self._stop_session()
        self.exit()

    @on(CompanyChosen)
    def _show_company(self, message: CompanyChosen) -> None:
        self.action_feed()
        feed = self.feed
        if feed is not None:
            feed.show_company(message.company_id)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.session is not None:
            yield SystemCommand("Feed", "The live call feed (f)", self.action_feed)
            yield SystemCommand(
                "Companies", "Companies with today's calls; pick one to filter (c)", self.action_companies
            )
            yield SystemCommand("Texts", "Text conversations (t)", self.action_texts)
            yield SystemCommand(
                "Resume polling" if self.paused else "Pause polling",
                "Stop or restart polling (p)",
                self.action_toggle_pause,
            )
            yield SystemCommand("Refresh now", "Poll now (R)", self.action_refresh_now)
        yield SystemCommand(
            "Show names and numbers" if self.mask else "Mask names and numbers",
            "For screen sharing (m)",
            self.action_toggle_mask,
        )
        yield SystemCommand("Help", "Keys and what the screens show (?)", self.action_help)
        yield from super().get_system_commands(screen)

    def _add_status_bar(self, screen: Screen) -> None:
        """Every full screen shows the budget meter, also screens that do not compose one themselves."""
        if self.session is None or isinstance(screen, ModalScreen):
            return

        def add() -> None:
            footers = screen.query(Footer)
            if footers and not screen.query(StatusBar):
                screen.mount(StatusBar(), before=footers.first())

        # The signal comes before a newly pushed screen has composed its widgets.
        screen.call_after_refresh(add)


def make_app(
    session: LiveSession | None,
    settings: Settings,
    *,
    session_factory: SessionFactory = session_from_settings,
    client_factory: ClientFactory = client_for_key,
    title_note: str = "",
) -> CallRailApp:
    """The app for a session, or in setup mode (``session=None``): the setup screen checks a key with a
    client from ``client_factory``, then runs the session ``session_factory`` builds."""
    return CallRailApp(
        session,
        settings,
        session_factory=session_factory,
        client_factory=client_factory,
        title_note=title_note,
    )
