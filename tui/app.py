"""The Textual app: screens, keys, the command palette, and the bridge from the live session to widgets.

The session is built outside (``tui.cli``) and injected through ``make_app``, which the tests reuse. Each
live event reaches the app as a ``LiveUpdate`` message and is published on the ``Context``'s ``live``
signal; screens and widgets get the context (``tui.context``) and subscribe in ``on_mount``.
"""

from __future__ import annotations

from tui import startup_gc

startup_gc.hold()  # until the first frame (``on_mount``): before the imports below

import asyncio
import gc
import io
import logging
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from tui.alerts import Alerts
from tui.app_commands import app_commands
from tui.config import Settings, permission_warning
from tui.context import Context
from tui.logging_setup import redact
from tui.messages import CompanyChosen, LiveUpdate, OpenCall, ReplyTo
from tui.screens.feed import FeedScreen, FirstRows

if TYPE_CHECKING:
    from tui.callrail.models import Call
    from tui.live.session import LiveSession
    from tui.screens.setup import KeyChecker  # the setup screen is loaded only when it is shown

log = logging.getLogger(__name__)

FREEZE_AFTER_CALLS = 500
_NEEDS_SESSION = frozenset(
    {"feed", "companies", "texts", "forms", "inbox", "webhooks", "toggle_pause", "refresh_now"}
)

SessionFactory = Callable[[Settings], "LiveSession"]
ClientFactory = Callable[[str, str], "KeyChecker"]


class CallRailApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "CallRail"
    # app.tcss fits the side panes and the status bar to terminals below 100 columns (Screen.-narrow)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # ... and the setup form to terminals below 30 rows (Screen.-short)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    # The global places and switches are kept out of the footer (each screen's own actions fill it);
    # ``?`` lists them and the command palette offers them.
    BINDINGS = [
        Binding("f", "feed", "Feed", show=False, tooltip="The live call feed"),
        Binding("c", "companies", "Companies", show=False, tooltip="Companies with today's calls; pick one"),
        Binding("t", "texts", "Texts", show=False, tooltip="Text conversations"),
        Binding("F", "forms", "Forms", show=False, tooltip="Today's form submissions"),
        Binding("i", "inbox", "Inbox", show=False, tooltip="What still needs a person: missed calls, texts"),
        Binding("w", "webhooks", "Webhooks", show=False, tooltip="Each company's webhooks: push to this app"),
        Binding("p", "toggle_pause", "Pause", show=False, tooltip="Pause or resume polling"),
        Binding("R", "refresh_now", "Refresh", show=False, tooltip="Poll now, ahead of the schedule"),
        Binding("m", "toggle_mask", "Mask", show=False, tooltip="Hide or show caller names and numbers"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key, what the marks mean"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "quit", "Quit"),
    ]

    paused: reactive[bool] = reactive(False)

    def __init__(
        self,
        session: LiveSession | None,
        settings: Settings,
        *,
        session_factory: SessionFactory | None = None,
        client_factory: ClientFactory | None = None,
        title_note: str = "",
        exit_signals: Iterable[int] = (),
    ) -> None:
        super().__init__()
        self.exit_signals = tuple(exit_signals)
        self._signal_loop: asyncio.AbstractEventLoop | None = None
        self._quitting = False
        self.session = session
        self.settings = settings
        self.session_factory = session_factory
        self.client_factory = client_factory
        self.sub_title = title_note
        self._mask = settings.mask  # until a session (and with it the context) exists
        # screens compose before the app mounts: a session given now has its context now
        self._ctx: Context | None = self._context_for(session) if session is not None else None
        self.alerts = Alerts(self, lambda: self.context)
        self._unfrozen_calls = 0

    # -- places ---------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # Setup is pushed on a blank screen, so it can be switched for the feed (the default cannot be).
        if self.session is not None:
            screen: Screen = FeedScreen()
        elif self.settings.can_watch:
            screen = FeedScreen(FirstRows.read(self.settings, mask=self._mask))
        else:
            screen = Screen(id="blank")
        # the size classes Textual gives it once shown (by its own rule): given now, the first frame does
        # not style every widget once more to add them
        width, height = self.size
        sizes = screen._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS)
        sizes |= screen._get_breakpoint_classes(height, self.VERTICAL_BREAKPOINTS)
        return screen.set_class(True, *sizes, update=False)

    @property
    def feed(self) -> FeedScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, FeedScreen):
                return screen
        return None

    @property
    def context(self) -> Context:
        """What screens get of the app (``tui.context.context_of``); there once a session runs."""
        if self._ctx is None:
            raise RuntimeError("no session yet: the screens that need the context come after setup")
        return self._ctx

    def _context_for(self, session: LiveSession) -> Context:
        return Context(self, session, replace(self.settings, mask=self._mask))

    @property
    def mask(self) -> bool:
        return self._ctx.mask if self._ctx is not None else self._mask

    # -- the live session -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.call_after_refresh(startup_gc.release)
        self._catch_exit_signals()
        self.screen_change_signal.subscribe(self, self._add_status_bar)
        self.screen_change_signal.subscribe(self, self.alerts.screen_changed)
        warning = permission_warning(self.settings.config_path)
        if warning:
            self.notify(warning, severity="warning", timeout=20, markup=False)
        if self.session is not None:
            self._start_session()
        elif self.settings.can_watch:
            self.call_after_refresh(self._open_session)
        else:
            from tui.screens.setup import SetupNeeds, SetupScreen
            from tui.wiring import check_hub, client_for_key

            needs = SetupNeeds(
                self.settings,
                self.client_factory or client_for_key,
                self._start_after_setup,
                self.report_worker_failure,
                check_hub=check_hub,
            )
            self.push_screen(SetupScreen(needs))

    def _build_session(self, settings: Settings) -> LiveSession:
        if self.session_factory is not None:
            return self.session_factory(settings)
        from tui.wiring import session_from_settings  # the live layer, its client and the models

        return session_from_settings(settings)

    def _open_session(self) -> None:
        """After the first frame (stored calls, no live layer): the session, which the feed follows. What
        stops it ends the app, said without a traceback, whose text could quote the key (logged whole)."""
        if self._quitting:
            return
        try:
            self.session = self._build_session(self.settings)
        except OSError as error:
            said = f"cannot use the data folder {self.settings.data_dir}: {error}"
            self.exit(return_code=2, message=Text(f"callrail-tui: {said}"))
        except Exception as error:
            log.critical("the live session could not be built", exc_info=error)
            said = redact(f"{type(error).__name__}: {error}", self._known_secrets())
            self.exit(return_code=1, message=Text(f"callrail-tui: unexpected error: {said}"))
        else:
            self._start_session()
            if (feed := self.feed) is not None:
                feed.attach()

    def _start_after_setup(self, settings: Settings) -> None:
        self.attach_session(self._build_session(settings), settings)

    def attach_session(self, session: LiveSession, settings: Settings) -> None:
        """After the setup screen: run this session and show the feed."""
        self.session, self.settings = session, settings
        self._start_session()
        self.switch_screen(FeedScreen())

    def _start_session(self) -> None:
        assert self.session is not None
        if self._ctx is None or self._ctx.session is not self.session:
            self._ctx = self._context_for(self.session)
        self.session.subscribe(lambda event: self.post_message(LiveUpdate(event)))
        self.run_worker(
            self._run_session, name="live session", group="poller", exclusive=True, exit_on_error=False
        )

    async def _run_session(self) -> None:
        assert self.session is not None
        await self.session.start()
        # a browser tab's process may be started ahead of its tab (tui.web.tab_driver): it shows the
        # stored feed at once but polls (or joins the hub) only once a tab has it
        attached = getattr(self._driver, "attached", None)
        if attached is not None:
            await attached.wait()
        await self.session.run()

    async def _stop_session(self) -> None:
        if self.session is not None:
            self.workers.cancel_group(self, "poller")
            await self.session.stop()

    def on_live_update(self, message: LiveUpdate) -> None:
        from tui.live.events import (
            CallsChanged,
            InboundCall,
            InboundForm,
            InboundText,
            OutboxHealth,
            PollStatus,
        )

        event = message.event
        if isinstance(event, InboundCall):
            self.alerts.call_arrived(event.call)
        elif isinstance(event, InboundText):
            self.alerts.text_arrived(event.conversation)
        elif isinstance(event, InboundForm):
            self.alerts.form_arrived(event.form)
        elif isinstance(event, CallsChanged):
            self.alerts.calls_changed(event.changed)
            self._freeze_long_lived(len(event.new))
        elif isinstance(event, PollStatus):
            # a poll ends with its status: everything it brought is announced at once
            self.alerts.flush()
        elif isinstance(event, OutboxHealth) and (event.setback or event.problem):
            self.notify(event.problem or event.setback, severity="error", timeout=15, markup=False)
        if self._ctx is not None:
            self._ctx.live.publish(event)

    def _freeze_long_lived(self, arrived: int) -> None:
        """Calls live all day: once a good number has arrived, move what is alive to the GC's permanent
        generation, so a full collection does not walk 10,000 calls again and stall the UI (~300 ms)."""
        self._unfrozen_calls += arrived
        if self._unfrozen_calls >= FREEZE_AFTER_CALLS:
            self._unfrozen_calls = 0
            gc.collect(1)
            gc.freeze()

    def _fatal_error(self) -> None:
        """A crash. Textual would print the traceback with every frame's local variables, where the API
        key can be (a key typed into setup, a session being built): log it, and print it without locals
        and with the key masked."""
        error = sys.exc_info()[1] or self._exception
        log.critical("the app stopped after an unexpected error", exc_info=error)
        self.bell()
        if error is not None:
            from rich.traceback import Traceback  # only on a crash: it costs the first frame ~35 ms

            trace = Traceback.from_exception(type(error), error, error.__traceback__, show_locals=False)
        else:
            trace = Text("The app stopped after an unexpected error.")
        console = Console(width=self.console.width, file=io.StringIO(), record=True, color_system=None)
        console.print(trace)
        self._exit_renderables.append(Text(redact(console.export_text(), self._known_secrets())))
        self._close_messages_no_wait()

    def _known_secrets(self) -> list[str]:
        from tui.screens.setup import SetupScreen

        secrets = [self.settings.api_key_value]
        for screen in self.screen_stack:
            if isinstance(screen, SetupScreen):
                secrets.append(screen.query_one("#setup-key", Input).value.strip())
        return [secret for secret in secrets if secret]

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
        if self._quitting:  # the session is stopping: a screen opened now would read a closed store
            return False
        # Without a session (the setup screen) only help, mask and quit make sense.
        return self.session is not None or action not in _NEEDS_SESSION

    def action_feed(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, FeedScreen):
            self.pop_screen()

    # The other screens are imported when first opened: the first frame needs only the feed.

    def action_companies(self) -> None:
        from tui.screens.companies import CompaniesScreen

        if not isinstance(self.screen, CompaniesScreen):
            feed = self.feed
            self.push_screen(CompaniesScreen(current=feed.company_id if feed is not None else None))

    def action_texts(self) -> None:
        from tui.screens.texts import TextsScreen

        if not isinstance(self.screen, TextsScreen):
            self.push_screen(TextsScreen())

    def action_forms(self) -> None:
        from tui.screens.forms import FormsScreen

        if not isinstance(self.screen, FormsScreen):
            self.push_screen(FormsScreen())

    def action_inbox(self) -> None:
        from tui.screens.inbox import InboxScreen

        if not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen())

    def action_webhooks(self) -> None:
        from tui.screens.webhooks import WebhooksScreen

        if not isinstance(self.screen, WebhooksScreen):
            self.push_screen(WebhooksScreen())

    @on(OpenCall)
    def _open_call(self, message: OpenCall) -> None:
        if not self._quitting and self.session is not None:
            self.open_call(message.call_id)

    def open_call(self, call_id: str) -> None:
        from tui.screens.call_detail import CallDetailScreen

        self.push_screen(CallDetailScreen(call_id))

    @on(ReplyTo)
    def _reply_to(self, message: ReplyTo) -> None:
        if not self._quitting:
            self.reply_to(message.call)

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
        if len(self.screen_stack) > 1 and not getattr(self.screen, "HOME", False):
            self.pop_screen()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(enter_sends=self.settings.enter_sends))

    def action_toggle_pause(self) -> None:
        assert self.session is not None
        self.paused = not self.paused
        self.session.set_paused(self.paused)
        self.notify("Polling paused; press p to resume." if self.paused else "Polling resumed.")

    def action_refresh_now(self) -> None:
        assert self.session is not None
        self.session.refresh_now()
        if self.paused:
            self.notify("Polling once; it stays paused (p resumes).")

    def action_toggle_mask(self) -> None:
        if self._ctx is not None:
            self._ctx.set_mask(not self._ctx.mask)
        else:  # no session yet: the context takes this switch once it is made
            self._mask = not self._mask
            if (feed := self.feed) is not None:
                feed.show_masked(self._mask)

    async def action_quit(self) -> None:
        self._quitting = True
        try:
            await self._stop_session()
        except Exception:
            log.exception("stopping the live session failed")
        finally:
            self.exit()

    # -- the terminal closed (SIGHUP) or the system asks the app to stop (SIGTERM) ---------------------

    def _catch_exit_signals(self) -> None:
        """Quit as ``q`` does (the session stops, the store closes) on ``exit_signals``, instead of dying
        where the signal lands; the caller's ``finally`` blocks run after ``run()`` returns."""
        if not self.exit_signals:
            return
        loop = asyncio.get_running_loop()
        for signum in self.exit_signals:
            loop.add_signal_handler(signum, self._exit_signal, signum)
        self._signal_loop = loop

    def _release_exit_signals(self) -> None:
        loop, self._signal_loop = self._signal_loop, None
        if loop is not None and not loop.is_closed():
            for signum in self.exit_signals:
                loop.remove_signal_handler(signum)

    def _exit_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self._quitting:
            log.warning("%s again while quitting: leaving at once", name)
            self.exit(return_code=128 + signum)
            return
        log.info("%s: quitting", name)
        self._quitting = True
        self.call_later(self.action_quit)

    def on_unmount(self) -> None:
        self._release_exit_signals()

    @on(CompanyChosen)
    def _show_company(self, message: CompanyChosen) -> None:
        self.action_feed()
        feed = self.feed
        if feed is not None:
            feed.show_company(message.company_id)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from app_commands(self)
        yield from super().get_system_commands(screen)

    def _add_status_bar(self, screen: Screen) -> None:
        """Every full screen shows the budget meter, also screens that do not compose one themselves."""
        if self.session is None or isinstance(screen, ModalScreen):
            return
        from tui.widgets.status_bar import StatusBar

        def add() -> None:
            if not screen.is_attached:  # gone again before its first refresh
                return
            footers = screen.query(Footer)
            if footers and not screen.query(StatusBar):
                screen.mount(StatusBar(self.context), before=footers.first())

        # The signal comes before a newly pushed screen has composed its widgets.
        screen.call_after_refresh(add)


def make_app(
    session: LiveSession | None,
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    client_factory: ClientFactory | None = None,
    title_note: str = "",
    exit_signals: Iterable[int] = (),
) -> CallRailApp:
    """The app for a session; without one, for the account (or hub) the settings name, whose session
    ``session_factory`` (by default ``tui.wiring.session_from_settings``) builds after the first frame;
    in setup mode when they name none: the setup screen checks a key with a client from
    ``client_factory``. On any of ``exit_signals`` (the CLI passes SIGHUP and SIGTERM) the app quits as if
    ``q`` was pressed."""
    return CallRailApp(
        session,
        settings,
        session_factory=session_factory,
        client_factory=client_factory,
        title_note=title_note,
        exit_signals=exit_signals,
    )
