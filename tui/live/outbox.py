"""Texts sent exactly once: queued → sending → sent | failed | unknown.

Every step is written to the store before the next one happens, so a crash leaves a record of how far a
text got. A send whose outcome is unknown (the request went out, no answer came back; or the app stopped
while sending) is never retried blindly: the item is ``checking`` while the outbox reads the conversation
and looks for the message (again and again while CallRail cannot be read). Only once a check found that
the text is not there does it become ``unknown``, and the user decides (``resolve_unknown``): send it
again, or mark it as sent. The outbox owns an item while it sends or checks it and the user owns it while
it is unknown, so the two never cross.

The sender never dies: an unexpected error is logged and announced (``OutboxHealth``), the item it hit is
set aside where the user can see it, and the texts behind it go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from tui.callrail.budget import Bucket
from tui.callrail.clock import Clock
from tui.callrail.errors import (
    AuthError,
    BudgetExhausted,
    CallRailError,
    InvalidRequest,
    MalformedResponse,
    NetworkError,
    PermissionDenied,
    RateLimited,
    SendOutcomeUnknown,
    TextingNotEnabled,
)
from tui.callrail.models import Conversation, TextMessage
from tui.callrail.phones import digits
from tui.live.events import LiveEvent, OutboxChanged, OutboxHealth, OutboxItem, OutboxState
from tui.live.outbox_records import OutboxRecords, OutboxTaken
from tui.live.waiting import sleep_or_wake

# The server's clock and ours may disagree; a message this much older than the queued item still counts.
CLOCK_SKEW = timedelta(minutes=2)
RETRY_MIN_S = 5.0
RETRY_MAX_S = 60.0
# This many unexpected errors in a row, with no text handled in between, and the outbox says it is stuck.
SETBACKS_BEFORE_STUCK = 3

log = logging.getLogger(__name__)

_NOTHING_TO_DECIDE = {
    OutboxState.CHECKING: "Still checking whether this text went out; the app decides once it knows.",
    OutboxState.SENDING: "This text is being sent right now.",
    OutboxState.QUEUED: "This text is already queued to send.",
    OutboxState.SENT: "This text has been sent.",
    OutboxState.FAILED: "This text failed; write it again to resend it.",
}


class NothingToDecide(Exception):
    """The user's decision on an unknown text cannot be taken: the text is no longer (or not yet) unknown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _same_text(sent: str | None, queued: str) -> bool:
    """CallRail may append opt-out instructions to a first text, so the sent message can be longer."""
    sent_words, queued_words = " ".join((sent or "").split()), " ".join(queued.split())
    return bool(queued_words) and sent_words.startswith(queued_words)


class Outbox:
    def __init__(
        self,
        *,
        client,
        account_id: str,
        store: OutboxRecords,
        budget,
        clock: Clock,
        emit: Callable[[LiveEvent], None],
        on_conversation: Callable[[Conversation], None],
        on_texting_enabled: Callable[[bool], None],
        owns: Callable[[str], bool] = lambda company_id: True,
    ) -> None:
        """``owns``: whether a text for this company is this account's to send (a session watching several
        accounts keeps every account's texts in one store)."""
        self._client = client
        self._account_id = account_id
        self._store = store
        self._budget = budget
        self._clock = clock
        self._emit = emit
        self._on_conversation = on_conversation
        self._on_texting_enabled = on_texting_enabled
        self._owns = owns
        self._wake = asyncio.Event()
        self._to_check: list[int] = []
        self._failures = 0
        self._working_on: int | None = None  # the item a send or a check is awaiting
        self._recovered = False
        self._setbacks = 0
        self._stuck = ""

    # -- what the session calls -----------------------------------------------------------------------

    def enqueue(
        self,
        *,
        company_id: str,
        customer_phone_number: str,
        content: str,
        tracking_number: str | None = None,
        request: str | None = None,
    ) -> OutboxItem:
        """Queue a text; ``request``: what it answers (a hub viewer's text and key), so a retry of it
        gets this text instead of a second one."""
        item = self._store.add_outbox_item(
            company_id=company_id,
            customer_phone_number=customer_phone_number,
            tracking_number=tracking_number,
            content=content,
            now=self._clock.now(),
            request=request,
        )
        self._changed(item)
        self._wake.set()
        return item

    def resolve_unknown(self, item_id: int, *, sent: bool) -> OutboxItem:
        """The user's decision on an unknown send: ``sent=False`` puts it back in the queue.

        Raises ``NothingToDecide`` unless the item is unknown and not being checked right now."""
        item = self._store.outbox_item(item_id)
        if item.state is not OutboxState.UNKNOWN:
            raise NothingToDecide(_NOTHING_TO_DECIDE[item.state])
        state = OutboxState.SENT if sent else OutboxState.QUEUED
        item = self._set(item, state, error="" if sent else "Queued again at your request.")
        self._wake.set()
        return item

    def _mine(self, states: tuple[OutboxState, ...]) -> list[OutboxItem]:
        return [item for item in self._store.outbox_items(states=states) if self._owns(item.company_id)]

    def items(self, customer_phone_number: str | None = None) -> list[OutboxItem]:
        return self._store.outbox_items(customer_phone_number=customer_phone_number)

    def wake(self) -> None:
        self._wake.set()

    @property
    def problem(self) -> str:
        """Why texts are not going out, or empty while they are."""
        return self._stuck

    # -- the sender -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Send queued texts in order, forever. Texts left ``sending`` by a crash are checked first."""
        while True:
            try:
                if not self._recovered:
                    self.recover()
                delay = await self.process()
            except OutboxTaken:
                log.info("another process sends the texts now; this outbox stops")
                raise
            except Exception as error:  # a bug or a broken store: the texts behind it must still go
                delay = self._survive(error)
            else:
                self._healthy()
            await sleep_or_wake(self._clock, delay, self._wake)

    def recover(self) -> None:
        """Texts a previous run left sending, checking or unknown get (re)checked, never resent."""
        unsure = (OutboxState.SENDING, OutboxState.CHECKING, OutboxState.UNKNOWN)
        for item in self._mine(unsure):
            if item.state is OutboxState.SENDING:
                self._to_check_later(item, "The app stopped while sending this text.")
            elif item.id not in self._to_check:
                self._set(item, OutboxState.CHECKING, error=item.error)
                self._to_check.append(item.id)
        self._recovered = True

    async def process(self) -> float | None:
        """Check unknown sends, then send queued texts in order; the seconds until there is more to do
        (``None``: nothing left until something is queued)."""
        while True:
            while self._to_check:
                item_id = self._to_check[0]
                checked = await self._check(item_id)
                self._working_on = None
                if not checked:
                    return self._retry_delay()
                self._discard_check(item_id)
            queued = self._mine((OutboxState.QUEUED,))
            if not queued:
                self._failures = 0
                return None
            wait = self._budget.available_in(Bucket.SMS)
            if wait > 0:
                self._set(queued[0], OutboxState.QUEUED, error=f"Waiting for the SMS budget ({wait:.0f} s).")
                return wait
            retry_in = await self._send(queued[0])
            self._working_on = None
            if retry_in is not None:
                return retry_in

    async def _send(self, item: OutboxItem) -> float | None:
        """Send one item; the seconds to wait when it has to stay queued."""
        self._working_on = item.id
        item = self._set(item, OutboxState.SENDING)
        try:
            conversation = await self._client.send_text(
                self._account_id,
                company_id=item.company_id,
                customer_phone_number=item.customer_phone_number,
                content=item.content,
                tracking_number=item.tracking_number,
            )
        except SendOutcomeUnknown as error:
            self._to_check_later(item, error.message)
            return None
        except MalformedResponse:
            # the server accepted it (2xx) but its answer could not be read
            self._set(item, OutboxState.SENT)
            return None
        except (InvalidRequest, PermissionDenied) as error:
            if isinstance(error, TextingNotEnabled):
                self._on_texting_enabled(False)
            self._set(item, OutboxState.FAILED, error=error.message)
            return None
        except (NetworkError, AuthError) as error:
            # NetworkError here means it never reached the server (a lost answer is SendOutcomeUnknown)
            self._set(item, OutboxState.QUEUED, error=f"Not sent yet: {error.message}")
            return self._retry_delay()
        except (RateLimited, BudgetExhausted) as error:
            self._set(item, OutboxState.QUEUED, error=f"Not sent yet: {error.message}")
            return max(self._budget.available_in(Bucket.SMS), RETRY_MIN_S)
        except CallRailError as error:
            # a 5xx to a POST: the text may have gone out
            self._to_check_later(item, error.message)
            return None
        self._set(item, OutboxState.SENT, conversation_id=conversation.id)
        self._on_texting_enabled(True)
        self._on_conversation(conversation)
        self._failures = 0
        return None

    async def _check(self, item_id: int) -> bool:
        """Look for a checking item's message on the server. False when the server could not be read."""
        item = self._store.outbox_item(item_id)
        if item.state is not OutboxState.CHECKING:
            return True
        self._working_on = item.id
        try:
            conversation = await self._find_message(item)
        except CallRailError as error:
            self._set(item, OutboxState.CHECKING, error=f"Could not check yet: {error.message} Trying again…")
            return False
        if conversation is not None:
            self._set(item, OutboxState.SENT, conversation_id=conversation.id)
            self._on_conversation(conversation)
        else:
            self._set(
                item,
                OutboxState.UNKNOWN,
                error="This text is not in the conversation on CallRail. Send it again, or mark it as sent.",
            )
        return True

    async def _find_message(self, item: OutboxItem) -> Conversation | None:
        """The conversation that holds this item's message, if CallRail has it."""
        page = await self._client.list_conversations(
            self._account_id, search=item.customer_phone_number, company_id=item.company_id, per_page=25
        )
        wanted = digits(item.customer_phone_number)
        for listed in page.items:
            if digits(listed.customer_phone_number) != wanted:
                continue
            if self._holds(item, listed.recent_messages):
                return listed
            full = await self._client.get_conversation(self._account_id, listed.id)
            if self._holds(item, full.messages):
                return full
        return None

    def _holds(self, item: OutboxItem, messages: list[TextMessage]) -> bool:
        """More matching outgoing messages than texts we already know we sent with the same words."""
        since = item.created_at - CLOCK_SKEW
        matches = sum(
            1
            for message in messages
            if not message.incoming
            and _same_text(message.content, item.content)
            and (message.created_at is None or message.created_at >= since)
        )
        already_sent = sum(
            1
            for other in self._store.outbox_items(
                customer_phone_number=item.customer_phone_number, states=(OutboxState.SENT,)
            )
            if other.id != item.id and other.content == item.content and other.updated_at >= since
        )
        return matches > already_sent

    # -- when something unexpected happens ------------------------------------------------------------

    def _survive(self, error: Exception) -> float:
        """Log and announce ``error``, set aside the item it hit, and say when to carry on."""
        log.error("the outbox hit an unexpected error", exc_info=error)
        item_id, self._working_on = self._working_on, None
        set_aside = False
        if item_id is not None:
            self._discard_check(item_id)
            try:
                self._set_aside(self._store.outbox_item(item_id))
                set_aside = True
            except Exception:
                log.exception("could not set aside the text that hit the error")
        self._setbacks += 1
        reason = f"an error in the app ({type(error).__name__}, see the log)"
        if not set_aside or self._setbacks >= SETBACKS_BEFORE_STUCK:
            self._stuck = f"Texts are not being sent: {reason}."
            self._emit(OutboxHealth(problem=self._stuck))
        else:
            setback = f"A text hit {reason}; it is set aside and the others go on."
            self._emit(OutboxHealth(problem=self._stuck, setback=setback))
        return self._retry_delay()

    def _set_aside(self, item: OutboxItem) -> None:
        """An item whose send or check broke: one that may have gone out is looked for, never resent."""
        if item.state is OutboxState.SENDING:
            self._to_check_later(item, "An error in the app while sending.")
        elif item.state is OutboxState.CHECKING:
            self._set(
                item,
                OutboxState.UNKNOWN,
                error="Could not check whether this text went out (an error in the app). "
                "Send it again, or mark it as sent.",
            )

    def _healthy(self) -> None:
        self._setbacks = 0
        if self._stuck:
            self._stuck = ""
            self._emit(OutboxHealth())

    # -- helpers --------------------------------------------------------------------------------------

    def _to_check_later(self, item: OutboxItem, why: str) -> None:
        self._set(item, OutboxState.CHECKING, error=f"{why} Checking whether it went out…")
        self._to_check.append(item.id)

    def _discard_check(self, item_id: int) -> None:
        if item_id in self._to_check:
            self._to_check.remove(item_id)

    def _retry_delay(self) -> float:
        self._failures += 1
        return min(RETRY_MAX_S, RETRY_MIN_S * 2 ** (self._failures - 1))

    def _set(
        self, item: OutboxItem, state: OutboxState, *, error: str = "", conversation_id: str | None = None
    ) -> OutboxItem:
        if item.state is state and item.error == error and conversation_id is None:
            return item
        updated = self._store.set_outbox_state(
            item.id, state, now=self._clock.now(), error=error, conversation_id=conversation_id
        )
        self._changed(updated)
        return updated

    def _changed(self, item: OutboxItem) -> None:
        self._emit(OutboxChanged(item))
