"""Alerts for what arrives while the app runs: one toast per kind and one bell per poll, however many
calls, texts or forms the poll brought ("Call from Maria Delgado +2 more"); a call seen ringing that ends
unanswered is announced again, as missed, in place of its own toast if that is still up. At most
``MAX_TOASTS`` of these toasts are on screen: a new one takes the place of the oldest. While a dialog is
open (a prompt, help) the bell rings as things arrive, and their toasts wait for the dialog to close
instead of covering it; the ones up when it opens are taken down (what they said is in the feed and the
inbox)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.notifications import Notification, Notify
from textual.screen import ModalScreen, Screen

from tui import display
from tui.callrail.call_row import NEEDS_CALLBACK
from tui.safe_text import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from tui.callrail.models import Call, Conversation, FormSubmission
    from tui.context import Context

# Alerts wait for the end of the poll that brought them; ones that come outside a poll wait this long.
ALERT_FLUSH_AFTER = 1.0
MAX_TOASTS = 3


class Alerts:
    def __init__(self, app: App, context: Callable[[], Context]) -> None:
        self._app = app
        self._context = context
        self._ringing: set[str] = set()
        self._calls: list[Call] = []
        self._missed: list[Call] = []
        self._texts: list[Conversation] = []
        self._forms: list[FormSubmission] = []
        self._timer: Timer | None = None
        self._shown: deque[Notification] = deque()  # our toasts, oldest first
        self._toast_of: dict[str, Notification] = {}  # a call's own toast (one call, not "+2 more")
        self._rung_for = 0  # how many of the alerts waiting behind a dialog the bell rang for

    @property
    def waiting(self) -> bool:
        """Something is queued to be announced."""
        return self._timer is not None or bool(self._calls or self._missed or self._texts or self._forms)

    def call_arrived(self, call: Call) -> None:
        if call.is_live:
            self._ringing.add(call.id)
        self._queue(self._missed if call.status in NEEDS_CALLBACK else self._calls, call)

    def calls_changed(self, calls: Iterable[Call]) -> None:
        for call in calls:
            if call.id not in self._ringing or call.is_live:
                continue
            self._ringing.discard(call.id)
            if call.status in NEEDS_CALLBACK:
                self._queue(self._missed, call)

    def text_arrived(self, conversation: Conversation) -> None:
        self._queue(self._texts, conversation)

    def form_arrived(self, form: FormSubmission) -> None:
        self._queue(self._forms, form)

    def _queue(self, pending: list, item: Call | Conversation | FormSubmission) -> None:
        settings = self._context().settings
        if not (settings.notify_toast or settings.notify_bell):
            return
        if not any(queued.id == item.id for queued in pending):
            pending.append(item)
        if self._timer is None:
            # events outside a poll (or a poll that never reports) are announced shortly anyway
            self._timer = self._app.set_timer(ALERT_FLUSH_AFTER, self.flush)

    def flush(self) -> None:
        """Announce what is pending (the app calls this when a poll ends)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        calls, missed, texts, forms = self._calls, self._missed, self._texts, self._forms
        pending = len(calls) + len(missed) + len(texts) + len(forms)
        if not pending:
            return
        if pending > self._rung_for:
            self._ring()
        if isinstance(self._app.screen, ModalScreen):  # shown by ``screen_changed`` once it closes
            self._rung_for = pending
            return
        self._rung_for = 0
        self._calls, self._missed, self._texts, self._forms = [], [], [], []
        mask = self._context().mask
        if calls:
            self._toast(
                "Call", calls, [display.caller_name(call, mask=mask) for call in calls], of_calls=True
            )
        if missed:
            names = [display.caller_name(call, mask=mask) for call in missed]
            self._toast("Missed call", missed, names, warn=True, of_calls=True)
        if texts:
            self._toast("New text", texts, [self._texter(conversation, mask) for conversation in texts])
        if forms:
            from tui import form_text  # its form fields come with the models: not before the first frame

            self._toast("Form", forms, [form_text.who(form, mask=mask) for form in forms])

    def screen_changed(self, screen: Screen) -> None:
        """A dialog opened: the toasts up leave it clear; one closed: what arrived behind it is announced."""
        if isinstance(screen, ModalScreen):
            while self._shown:
                self._take_down(self._shown[0])
        elif self.waiting:
            self.flush()

    def _ring(self) -> None:
        if self._context().settings.notify_bell:
            self._app.bell()

    @staticmethod
    def _texter(conversation: Conversation, mask: bool) -> str:
        if conversation.customer_name and not mask:
            name = clean(conversation.customer_name, single_line=True)
            if name:
                return name
        return display.compact_phone(  # as the feed and the texts list show a number
            conversation.customer_phone_number, conversation.formatted_customer_phone_number, mask=mask
        )

    def _toast(
        self, what: str, items: list, names: list[str], *, warn: bool = False, of_calls: bool = False
    ) -> None:
        """``Call from Maria Delgado +2 more``, titled with the company (or how many companies);
        ``of_calls``: a toast of one call is kept by its id (its ringing toast becomes its missed one)."""
        context = self._context()
        if not context.settings.notify_toast:
            return
        text = f"{what} from {names[0]}"
        if len(items) > 1:
            text += f" +{len(items) - 1} more"
        companies = list(dict.fromkeys(item.company_id for item in items))
        if len(companies) == 1:
            title = context.company_name(companies[0], getattr(items[0], "company_name", None))
        else:
            title = f"{len(companies)} companies"
        toast = Notification(
            text,
            title,
            "warning" if warn else "information",
            self._app.NOTIFICATION_TIMEOUT,
            markup=False,
        )
        if len(items) == 1 and of_calls:
            earlier = self._toast_of.pop(items[0].id, None)
            if earlier is not None:
                self._take_down(earlier)  # the call's ringing toast becomes its missed one
            self._toast_of[items[0].id] = toast
        self._show(toast)

    def _show(self, toast: Notification) -> None:
        while self._shown and (self._shown[0].has_expired or len(self._shown) >= MAX_TOASTS):
            self._take_down(self._shown[0])
        self._shown.append(toast)
        self._app.post_message(Notify(toast))

    def _take_down(self, toast: Notification) -> None:
        if toast in self._shown:
            self._shown.remove(toast)
        self._toast_of = {call_id: shown for call_id, shown in self._toast_of.items() if shown is not toast}
        # Textual has no public way to take one toast down; the pinned version's own is used.
        self._app._unnotify(toast)
