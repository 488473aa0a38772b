"""The in-memory view the UI reads: calls, conversations and forms by id, and what is derived from them.

Sources disagree and arrive in any order: each field keeps the value observed last (``versions``), so
the state ends the same whatever the order. Merging costs O(changed records): the per-number indexes
and today's per-company counts are updated for the records that changed, never rebuilt, so a day of
10,000 calls stays cheap to keep current.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.callrail.call_row import NEEDS_CALLBACK, CallStatus
from tui.callrail.models import Call, Conversation
from tui.live.events import CallsChanged, ConversationsChanged
from tui.live.forms import FormBook
from tui.live.replies import needs_reply
from tui.live.versions import (
    MESSAGE_FIELDS,
    Messages,
    Versions,
    add_messages,
    first_versions,
    merge_fields,
    message_fields,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Held:
    """A call or conversation held for the needs-attention inbox (the store has it whole): what says
    whether it still waits, at a few hundred bytes a record."""

    number: str | None
    company_id: str | None
    at: datetime  # the call's start; the conversation's last message


@dataclass(frozen=True)
class CompanyStats:
    """Today, in the company's time zone. ``texts`` counts conversations with a message today."""

    calls: int = 0
    missed: int = 0
    texts: int = 0
    by_hour: tuple[int, ...] = (0,) * 24  # today's calls per local hour

    @property
    def missed_share(self) -> float:
        return self.missed / self.calls if self.calls else 0.0


def _zone(name: str | None) -> tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def _call_was_answered(call: Call) -> bool:
    return call.status is CallStatus.ANSWERED or (call.status is CallStatus.OUTBOUND and bool(call.answered))


class LiveState:
    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.conversations: dict[str, Conversation] = {}
        self.forms = FormBook(self.zone_for)  # ``forms.today(now)``: today's form submissions
        self._newest_message_at: datetime | None = None
        self._zones: dict[str, tzinfo] = {}
        self._order: list[tuple[float, str]] = []  # (-start, id): newest first
        self._calls_by_number: dict[str, set[str]] = defaultdict(set)
        self._conversations_by_number: dict[str, set[str]] = defaultdict(set)
        # company_id -> local date -> Counter(calls=, missed=)
        self._daily: dict[str | None, dict[date, Counter]] = defaultdict(lambda: defaultdict(Counter))
        # newest outgoing message seen per conversation: recent_messages only holds the last two
        self._last_outgoing: dict[str, datetime] = {}
        # zones the calls carry, for companies the companies list has not (yet) named
        self._call_zones: dict[str, str] = {}
        self._call_versions: dict[str, Versions] = {}
        self._conversation_versions: dict[str, Versions] = {}
        self._messages: dict[str, Messages] = {}
        self._newest_version = 0.0
        # older than the day kept above and still needing a person (a callback, a reply): held for the
        # needs-attention inbox, out of the feed, until answered or as old as the store's days
        self.held_calls: dict[str, Held] = {}
        self.held_conversations: dict[str, Held] = {}

    def _version(self, observed_at: datetime | None) -> float:
        """The observation time as a version; none given means "after everything merged so far"."""
        if observed_at is None:
            self._newest_version = math.nextafter(self._newest_version, math.inf)
            return self._newest_version
        at = observed_at.timestamp()
        self._newest_version = max(self._newest_version, at)
        return at

    # -- companies ------------------------------------------------------------------------------------

    def set_company_time_zones(self, zones: dict[str, str | None]) -> None:
        """The companies' IANA zones (from the companies list); recounts today's figures once."""
        self._zones = {company_id: _zone(name) for company_id, name in zones.items()}
        self._daily.clear()
        for call in self.calls.values():
            self._count(call, +1)

    def zone_for(self, company_id: str | None, fallback: str | None = None) -> tzinfo:
        if company_id in self._zones:
            return self._zones[company_id]
        return _zone(fallback)

    # -- calls ----------------------------------------------------------------------------------------

    def merge_calls(self, calls: Iterable[Call], observed_at: datetime | None = None) -> CallsChanged:
        """Calls as a source saw them at ``observed_at``; a field observed later than that is kept."""
        at = self._version(observed_at)
        new: list[Call] = []
        changed: list[Call] = []
        for incoming in calls:
            old = self.calls.get(incoming.id)
            if old is None:
                self.held_calls.pop(incoming.id, None)  # back in the day kept: held no more
                self._call_versions[incoming.id] = first_versions(incoming, at)
                self._add_call(incoming)
                new.append(incoming)
                continue
            merged = merge_fields(old, self._call_versions.setdefault(old.id, {}), incoming, at)
            if merged == old:
                continue
            self._remove_call(old)
            self._add_call(merged)
            changed.append(merged)
        self._release_answered({call.customer_phone_number for call in (*new, *changed)})
        return CallsChanged(new=new, changed=changed)

    def _add_call(self, call: Call) -> None:
        self.calls[call.id] = call
        bisect.insort(self._order, self._order_key(call))
        if call.customer_phone_number:
            self._calls_by_number[call.customer_phone_number].add(call.id)
        if call.company_id and call.company_time_zone:
            self._call_zones[call.company_id] = call.company_time_zone
        self._count(call, +1)

    def _remove_call(self, call: Call) -> None:
        del self.calls[call.id]
        key = self._order_key(call)
        index = bisect.bisect_left(self._order, key)
        if index < len(self._order) and self._order[index] == key:
            del self._order[index]
        if call.customer_phone_number:
            self._calls_by_number[call.customer_phone_number].discard(call.id)
        self._count(call, -1)

    @staticmethod
    def _order_key(call: Call) -> tuple[float, str]:
        return (-(call.start_time or _EPOCH).timestamp(), call.id)

    def _count(self, call: Call, sign: int, *, drop_empty: bool = False) -> None:
        if call.start_time is None:
            return
        local_day = call.start_time.astimezone(self.zone_for(call.company_id, call.company_time_zone)).date()
        days = self._daily[call.company_id]
        counter = days[local_day]
        counter["calls"] += sign
        if call.status in NEEDS_CALLBACK:
            counter["missed"] += sign
        if drop_empty and counter["calls"] <= 0:
            del days[local_day]  # a day whose calls were all forgotten
            if not days:
                del self._daily[call.company_id]

    @property
    def newest_start(self) -> datetime | None:
        """When the newest call held started."""
        if not self._order or self._order[0][0] == 0:
            return None
        return self.calls[self._order[0][1]].start_time

    def forget_calls_before(
        self, cutoff: datetime, *, keep: Collection[str] = (), held_since: datetime | None = None
    ) -> list[str]:
        """Drop the calls that started before ``cutoff`` (and those with no start time), except the ids
        in ``keep``; their ids. One that still needs a callback is held (``held_calls``) instead, and
        held calls that started before ``held_since`` go. Costs O(calls dropped): they are the tail of
        the newest-first order."""
        limit = -cutoff.timestamp()
        order = self._order
        index = len(order)
        while index and order[index - 1][0] > limit:
            index -= 1
        self.held_calls = _held_since(self.held_calls, held_since)
        if index == len(order):
            return []
        tail = order[index:]
        del order[index:]
        # decided before any goes: a call back in the same tail still counts
        needing = {key[1] for key in tail if self.needs_callback(self.calls[key[1]])}
        removed: list[str] = []
        for key in tail:
            call_id = key[1]
            if call_id in keep:
                order.append(key)  # the tail is in order: what stays is still the oldest, in order
                continue
            call = self.calls.pop(call_id)
            self._call_versions.pop(call_id, None)
            number = call.customer_phone_number
            _unindex(self._calls_by_number, number, call_id)
            self._count(call, -1, drop_empty=True)
            held = Held(number, call.company_id, call.start_time or _EPOCH)
            if call_id in needing and _recent(held, held_since):
                self.held_calls[call_id] = held
            removed.append(call_id)
        return removed

    def calls_newest_first(self) -> list[Call]:
        calls = self.calls
        return [calls[call_id] for _, call_id in self._order]

    def needs_callback(self, call: Call) -> bool:
        """Missed, abandoned or voicemail, and the same company has not since answered or texted them."""
        if call.status not in NEEDS_CALLBACK:
            return False
        number = call.customer_phone_number
        return not number or not self._answered_since(number, call.company_id, call.start_time or _EPOCH)

    def _answered_since(self, number: str, company_id: str | None, after: datetime) -> bool:
        """This number had an answered call, or a text from us, from the same company after ``after``."""
        for other_id in self._calls_by_number.get(number, ()):
            other = self.calls[other_id]
            if (
                (other.start_time or _EPOCH) > after
                and _same_company(other.company_id, company_id)
                and _call_was_answered(other)
            ):
                return True
        for conversation_id in self._conversations_by_number.get(number, ()):
            conversation = self.conversations[conversation_id]
            replied = self._last_outgoing.get(conversation_id)
            if replied is not None and replied > after and _same_company(conversation.company_id, company_id):
                return True
        return False

    def company_stats(self, now: datetime) -> dict[str, CompanyStats]:
        """Today's calls, missed calls and texts per company, "today" in each company's own time zone."""
        company_ids = {company_id for company_id in self._daily if company_id} | set(self._zones)
        company_ids |= {c.company_id for c in self.conversations.values() if c.company_id}
        texts: Counter = Counter()
        for conversation in self.conversations.values():
            if conversation.last_message_at is None or not conversation.company_id:
                continue
            zone = self.zone_for(conversation.company_id, conversation.company_time_zone)
            if conversation.last_message_at.astimezone(zone).date() == now.astimezone(zone).date():
                texts[conversation.company_id] += 1
        hours: dict[str, list[int]] = {company_id: [0] * 24 for company_id in company_ids}
        for call in self.calls.values():
            if call.start_time is None or call.company_id not in hours:
                continue
            zone = self.zone_for(call.company_id, call.company_time_zone)
            local = call.start_time.astimezone(zone)
            if local.date() == now.astimezone(zone).date():
                hours[call.company_id][local.hour] += 1
        stats = {}
        for company_id in company_ids:
            zone = self.zone_for(company_id, self._call_zones.get(company_id))
            counter = self._daily.get(company_id, {}).get(now.astimezone(zone).date(), Counter())
            stats[company_id] = CompanyStats(
                calls=counter["calls"],
                missed=counter["missed"],
                texts=texts[company_id],
                by_hour=tuple(hours[company_id]),
            )
        return stats

    # -- conversations --------------------------------------------------------------------------------

    def merge_conversations(
        self, conversations: Iterable[Conversation], observed_at: datetime | None = None
    ) -> ConversationsChanged:
        """Like ``merge_calls``; messages only add up, so a list read also brings new messages into a
        thread read earlier, and the thread does not go stale."""
        at = self._version(observed_at)
        new: list[Conversation] = []
        changed: list[Conversation] = []
        for incoming in conversations:
            old = self.conversations.get(incoming.id)
            seen = self._messages.setdefault(incoming.id, {})
            add_messages(seen, [*incoming.messages, *incoming.recent_messages], at)
            thread_read = bool(incoming.messages or (old is not None and old.messages))
            if old is None:
                self.held_conversations.pop(incoming.id, None)  # back in the day kept
                versions = first_versions(incoming, at)
                for name in MESSAGE_FIELDS:
                    versions.pop(name, None)
                self._conversation_versions[incoming.id] = versions
                merged = incoming.model_copy(update=message_fields(seen, thread_read))
                new.append(merged)
            else:
                versions = self._conversation_versions.setdefault(old.id, {})
                merged = merge_fields(old, versions, incoming, at, skip=MESSAGE_FIELDS)
                merged = merged.model_copy(update=message_fields(seen, thread_read))
                if merged == old:
                    continue
                if old.customer_phone_number:
                    self._conversations_by_number[old.customer_phone_number].discard(old.id)
                changed.append(merged)
            self.conversations[merged.id] = merged
            last = merged.last_message_at
            if last is not None and (self._newest_message_at is None or last > self._newest_message_at):
                self._newest_message_at = last
            if merged.customer_phone_number:
                self._conversations_by_number[merged.customer_phone_number].add(merged.id)
            self._note_outgoing(merged)
        self._release_answered({conversation.customer_phone_number for conversation in (*new, *changed)})
        return ConversationsChanged(new=new, changed=changed)

    def _note_outgoing(self, conversation: Conversation) -> None:
        for message in (*conversation.messages, *conversation.recent_messages):
            if message.incoming or message.created_at is None:
                continue
            known = self._last_outgoing.get(conversation.id)
            if known is None or message.created_at > known:
                self._last_outgoing[conversation.id] = message.created_at

    @property
    def newest_message_at(self) -> datetime | None:
        """When the newest message of the conversations held was sent."""
        return self._newest_message_at

    def forget_conversations_before(
        self, cutoff: datetime, *, keep: Collection[str] = (), held_since: datetime | None = None
    ) -> list[str]:
        """Drop the conversations with no message since ``cutoff`` (and those with none at all), except
        the ids in ``keep``; their ids. One still awaiting a reply is held (``held_conversations``)
        instead, and held ones with no message since ``held_since`` go."""
        self.held_conversations = _held_since(self.held_conversations, held_since)
        removed = [
            conversation_id
            for conversation_id, conversation in self.conversations.items()
            if conversation_id not in keep
            and (conversation.last_message_at is None or conversation.last_message_at < cutoff)
        ]
        for conversation_id in removed:
            conversation = self.conversations.pop(conversation_id)
            number = conversation.customer_phone_number
            self._last_outgoing.pop(conversation_id, None)
            held = Held(number, conversation.company_id, conversation.last_message_at or _EPOCH)
            if _recent(held, held_since) and needs_reply(conversation):
                self.held_conversations[conversation_id] = held
            _unindex(self._conversations_by_number, number, conversation_id)
        return removed

    def conversations_newest_first(self) -> list[Conversation]:
        return sorted(self.conversations.values(), key=lambda c: c.last_message_at or _EPOCH, reverse=True)

    # -- a caller -------------------------------------------------------------------------------------

    def history_for(self, phone_number: str) -> tuple[list[Call], list[Conversation]]:
        """This number's calls and conversations, newest first."""
        calls = [self.calls[call_id] for call_id in self._calls_by_number.get(phone_number, ())]
        calls.sort(key=self._order_key)
        conversations = [
            self.conversations[conversation_id]
            for conversation_id in self._conversations_by_number.get(phone_number, ())
        ]
        conversations.sort(key=lambda c: c.last_message_at or _EPOCH, reverse=True)
        return calls, conversations

    def _release_answered(self, numbers: Collection[str | None]) -> None:
        """Held calls of these numbers that a later call or text answered go."""
        if not self.held_calls or not numbers:
            return
        for call_id, held in list(self.held_calls.items()):
            if held.number in numbers and self._answered_since(held.number, held.company_id, held.at):
                del self.held_calls[call_id]

    def conversation_for(self, phone_number: str, company_id: str | None = None) -> Conversation | None:
        """The most recent conversation with this number (in this company, when given)."""
        _, conversations = self.history_for(phone_number)
        for conversation in conversations:
            if company_id is None or conversation.company_id == company_id:
                return conversation
        return None


def _recent(held: Held, since: datetime | None) -> bool:
    return since is None or held.at >= since


def _held_since(held: dict[str, Held], since: datetime | None) -> dict[str, Held]:
    """The held records from ``since`` on (all of them without it)."""
    return held if since is None else {key: record for key, record in held.items() if _recent(record, since)}


def _unindex(by_number: dict[str, set[str]], number: str | None, record_id: str) -> None:
    ids = by_number.get(number) if number else None
    if ids is not None:
        ids.discard(record_id)
        if not ids:
            del by_number[number]


def _same_company(left: str | None, right: str | None) -> bool:
    return left is None or right is None or left == right
