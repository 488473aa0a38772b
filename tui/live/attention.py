"""What still needs a person: the needs-attention inbox, computed from the live state and handled marks.

Three kinds of item:

- a missed, abandoned or voicemail call with nothing after it from the same company: no answered call
  from that number, no call back (any outbound call to it) and no text sent to it. An abandoned call
  shorter than ``hide_abandoned_under`` seconds is left out;
- a conversation whose last message is the customer's and needs a reply (``tui.live.replies``: not a
  STOP, not a closing "Thanks!");
- a new form submission: nothing sent to its number by the same company since (no call back, no text).

An item the user marked handled (``HandledMarks``) is left out, and so is a call that carries the
``handled_tag`` (when one is set): a colleague handled it. Items are oldest first, grouped by company
(companies in the order of their names).

Updates cost O(records of the numbers that changed): a new call or text re-checks only its caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tui.callrail.call_row import NEEDS_CALLBACK, CallStatus
from tui.callrail.models import Call, Conversation, FormSubmission
from tui.live.forms import form_name, form_phone
from tui.live.replies import conversation_messages, needs_reply
from tui.live.state import LiveState

if TYPE_CHECKING:
    from tui.live.handled import HandledMarks

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class AttentionKind(StrEnum):
    CALL = "call"
    TEXT = "text"
    FORM = "form"


@dataclass(frozen=True)
class AttentionItem:
    kind: AttentionKind
    id: str  # the call's or the conversation's
    company_id: str | None
    company_name: str | None  # as the record carries it (untrusted text)
    customer_name: str | None  # untrusted text
    customer_phone_number: str | None
    since: datetime  # waiting since: the call, or the customer's first unanswered message
    reason: str  # "missed", "abandoned", "voicemail", "awaiting a reply"
    # what a handled mark is kept under: a new message in a handled conversation opens it again
    key: str
    record: Call | Conversation | FormSubmission = field(compare=False)

    @property
    def slot(self) -> tuple[AttentionKind, str]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class AttentionGroup:
    company_id: str | None
    company_name: str | None
    items: list[AttentionItem]


def _same_company(one: str | None, other: str | None) -> bool:
    return one is None or other is None or one == other


def _key(kind: AttentionKind, record_id: str, at: datetime | None = None) -> str:
    return f"{kind}:{record_id}" if at is None else f"{kind}:{record_id}@{at.timestamp():.0f}"


def parse_key(key: str) -> tuple[AttentionKind, str]:
    """The kind and the record id a handled mark is kept under (``call:<id>``, ``form:<id>``,
    ``text:<id>@<epoch>``); ``ValueError`` when ``key`` is not such a key."""
    kind, _, rest = key.partition(":")
    record_id, at_sign, at = rest.partition("@")
    if kind not in AttentionKind.__members__.values() or not record_id:
        raise ValueError(f"not an inbox item's key: {key!r}")
    if (kind == AttentionKind.TEXT) != bool(at_sign) or (at_sign and not at.isdigit()):
        raise ValueError(f"not an inbox item's key: {key!r}")
    return AttentionKind(kind), record_id


class Attention:
    def __init__(
        self,
        state: LiveState,
        marks: HandledMarks,
        *,
        held: Callable[[], tuple[list[Call], list[Conversation]]] = lambda: ([], []),
        hide_abandoned_under: int = 0,
        handled_tag: str | None = None,
    ) -> None:
        self._state = state
        self._marks = marks
        self._load_held = held  # the records the state holds past its day, whole (from the store)
        self._held: dict[tuple[AttentionKind, str], Call | Conversation] = {}
        self._too_short = hide_abandoned_under
        self.handled_tag = handled_tag
        self._tag = (handled_tag or "").casefold()
        self._items: dict[tuple[AttentionKind, str], AttentionItem] = {}

    def __len__(self) -> int:
        return len(self._items)

    # -- computing ------------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Every item, from the whole state (when the inbox opens)."""
        self._items.clear()
        state = self._state
        held_calls, held_conversations = self._load_held()
        self._held = {
            **{(AttentionKind.CALL, call.id): call for call in held_calls if call.id not in state.calls},
            **{(AttentionKind.TEXT, c.id): c for c in held_conversations if c.id not in state.conversations},
        }
        for call in state.calls.values():
            self._check_call(call)
        for conversation in state.conversations.values():
            self._check_conversation(conversation)
        for record in self._held.values():
            self._check_record(record)
        for form in self._state.forms.by_id.values():
            self._check_form(form)

    def update(
        self,
        calls: Iterable[Call] = (),
        conversations: Iterable[Conversation] = (),
        forms: Iterable[FormSubmission] = (),
        *,
        removed_calls: Iterable[str] = (),
        removed_conversations: Iterable[str] = (),
    ) -> None:
        """New or changed records, and ids the state forgot (those it holds stay): each caller touched is
        checked again (a later answered call or a reply ends an earlier item)."""
        state = self._state
        for kind, removed, held in (
            (AttentionKind.CALL, removed_calls, state.held_calls),
            (AttentionKind.TEXT, removed_conversations, state.held_conversations),
        ):
            for record_id in removed:
                item = self._items.pop((kind, record_id), None)
                if item is not None and record_id in held:
                    self._items[item.slot] = item
                    self._held[item.slot] = item.record
        numbers: set[str] = set()
        for call in calls:
            if call.customer_phone_number:
                numbers.add(call.customer_phone_number)
            else:
                self._check_call(call)
        for conversation in conversations:
            if conversation.customer_phone_number:
                numbers.add(conversation.customer_phone_number)
            else:
                self._check_conversation(conversation)
        for form in forms:
            if phone := form_phone(form):
                numbers.add(phone)
            else:
                self._check_form(form)
        for record in self._held.values():
            if record.customer_phone_number in numbers:
                self._check_record(record)
        for number in numbers:
            number_calls, number_conversations = self._state.history_for(number)
            for call in number_calls:
                self._check_call(call)
            for conversation in number_conversations:
                self._check_conversation(conversation)
            for form in self._state.forms.for_number(number):
                self._check_form(form)

    def _put(self, slot: tuple[AttentionKind, str], item: AttentionItem | None) -> None:
        if item is None:
            self._items.pop(slot, None)
        else:
            self._items[slot] = item

    def _check_record(self, record: Call | Conversation) -> None:
        if isinstance(record, Call):
            self._check_call(record)
        else:
            self._check_conversation(record)

    def _check_call(self, call: Call) -> None:
        self._put((AttentionKind.CALL, call.id), self._call_item(call))

    def _call_item(self, call: Call) -> AttentionItem | None:
        status = call.status
        if status not in NEEDS_CALLBACK or call.start_time is None:
            return None
        if status is CallStatus.ABANDONED and (call.duration or 0) < self._too_short:
            return None
        if not self._state.needs_callback(call) or self._called_back(call):
            return None
        key = _key(AttentionKind.CALL, call.id)
        if key in self._marks or self._tagged(key, call):
            return None
        return AttentionItem(
            kind=AttentionKind.CALL,
            id=call.id,
            company_id=call.company_id,
            company_name=call.company_name,
            customer_name=call.customer_name or call.formatted_customer_name,
            customer_phone_number=call.customer_phone_number,
            since=call.start_time,
            reason=status.value,
            key=key,
            record=call,
        )

    def _called_back(self, call: Call) -> bool:
        """An outbound call to this number from the same company after ``call`` (answered or not: the
        user called back)."""
        if not call.customer_phone_number or call.start_time is None:
            return False
        calls, _ = self._state.history_for(call.customer_phone_number)
        return any(
            other.status is CallStatus.OUTBOUND
            and (other.start_time or _EPOCH) > call.start_time
            and _same_company(other.company_id, call.company_id)
            for other in calls
        )

    def _tagged(self, key: str, call: Call) -> bool:
        """The call carries the handled tag (someone marked it on CallRail) and this user has not undone
        that here."""
        if not self._tag:
            return False
        if not any(tag.casefold() == self._tag for tag in call.tags):
            self._marks.tag_gone(key)
            return False
        return not self._marks.tag_waived(key)

    def _check_conversation(self, conversation: Conversation) -> None:
        self._put((AttentionKind.TEXT, conversation.id), self._conversation_item(conversation))

    def _conversation_item(self, conversation: Conversation) -> AttentionItem | None:
        if not needs_reply(conversation):
            return None
        messages = conversation_messages(conversation)
        waiting = []
        for message in messages:
            if not message.incoming:
                break
            waiting.append(message)
        newest = waiting[0].created_at or conversation.last_message_at
        since = next((m.created_at for m in reversed(waiting) if m.created_at), None) or newest
        if since is None:
            return None
        key = _key(AttentionKind.TEXT, conversation.id, newest)
        if key in self._marks:
            return None
        return AttentionItem(
            kind=AttentionKind.TEXT,
            id=conversation.id,
            company_id=conversation.company_id,
            company_name=conversation.company_name,
            customer_name=conversation.customer_name or conversation.formatted_customer_name,
            customer_phone_number=conversation.customer_phone_number,
            since=since,
            reason="awaiting a reply",
            key=key,
            record=conversation,
        )

    def _check_form(self, form: FormSubmission) -> None:
        self._put((AttentionKind.FORM, form.id), self._form_item(form))

    def _form_item(self, form: FormSubmission) -> AttentionItem | None:
        if form.submitted_at is None:
            return None
        key = _key(AttentionKind.FORM, form.id)
        if key in self._marks or self._answered_since(form_phone(form), form.company_id, form.submitted_at):
            return None
        return AttentionItem(
            kind=AttentionKind.FORM,
            id=form.id,
            company_id=form.company_id,
            company_name=None,
            customer_name=form_name(form),
            customer_phone_number=form_phone(form),
            since=form.submitted_at,
            reason="new form",
            key=key,
            record=form,
        )

    def _answered_since(self, number: str | None, company_id: str | None, since: datetime) -> bool:
        """The company called this number or texted it after ``since``."""
        if not number:
            return False
        calls, conversations = self._state.history_for(number)
        if any(
            call.status is CallStatus.OUTBOUND
            and (call.start_time or _EPOCH) > since
            and _same_company(call.company_id, company_id)
            for call in calls
        ):
            return True
        return any(
            not message.incoming and (message.created_at or _EPOCH) > since
            for conversation in conversations
            if _same_company(conversation.company_id, company_id)
            for message in conversation_messages(conversation)
        )

    # -- reading --------------------------------------------------------------------------------------

    @property
    def items(self) -> list[AttentionItem]:
        """Oldest first."""
        return sorted(self._items.values(), key=lambda item: (item.since, item.kind, item.id))

    def groups(self) -> list[AttentionGroup]:
        """By company in the order of their names (a place that stays put while items come and go), each
        oldest first."""
        by_company: dict[str | None, list[AttentionItem]] = {}
        for item in self.items:
            by_company.setdefault(item.company_id, []).append(item)
        groups = [
            AttentionGroup(company_id, next((i.company_name for i in items if i.company_name), None), items)
            for company_id, items in by_company.items()
        ]
        return sorted(
            groups,
            key=lambda g: (g.company_name is None, (g.company_name or "").casefold(), g.company_id or ""),
        )

    # -- marking --------------------------------------------------------------------------------------

    def mark_handled(self, item: AttentionItem) -> None:
        """The item is dealt with: it leaves the inbox, here and (kept in the store) after a restart."""
        self._marks.mark(item)
        self._items.pop(item.slot, None)

    def undo(self) -> AttentionItem | None:
        """Bring back the item marked last (if it still needs attention); ``None``: nothing to undo."""
        item = self._marks.undo()
        if item is not None:
            self._recheck(item.kind, item.id)
        return item

    def marks_changed(self, keys: Iterable[str]) -> None:
        """Marks changed elsewhere (a colleague through the team hub): their items are checked again."""
        for key in keys:
            try:
                kind, record_id = parse_key(key)
            except ValueError:
                continue
            self._recheck(kind, record_id)

    def _recheck(self, kind: AttentionKind, record_id: str) -> None:
        state = self._state
        if kind is AttentionKind.CALL:
            if (call := state.calls.get(record_id) or self._held.get((kind, record_id))) is not None:
                self._check_record(call)
        elif kind is AttentionKind.FORM:
            if (form := state.forms.by_id.get(record_id)) is not None:
                self._check_form(form)
        elif (
            conversation := state.conversations.get(record_id) or self._held.get((kind, record_id))
        ) is not None:
            self._check_record(conversation)
