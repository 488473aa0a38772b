"""Whether a text conversation needs a reply: the customer spoke last, did not opt out (STOP, ...), and
said more than a closing "Thanks!" or "Sounds good". The texts list and the needs-attention inbox share
these rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from tui.callrail.models import Conversation, TextMessage
from tui.live.events import OutboxItem, OutboxState

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
_OPT_OUT_ERROR = re.compile(r"opt(ed)?[ -]?out|unsubscribed|do not contact|blocked", re.IGNORECASE)

# A last message that closes a conversation rather than asking something.
ACKNOWLEDGEMENTS = frozenset(
    {
        "ok", "okay", "k", "kk", "thanks", "thank you", "thanks so much", "thank you so much", "thx", "ty",
        "sounds good", "perfect", "great", "got it", "will do", "cool", "see you then", "see you",
        "see you soon", "awesome", "yes thanks", "ok thanks", "ok thank you", "great thanks",
    }
)  # fmt: skip


def is_opt_out(content: str | None) -> bool:
    return re.sub(r"[^A-Z]", "", (content or "").upper()) in OPT_OUT_KEYWORDS


def opted_out(messages_newest_first: Iterable[TextMessage], outbox: Iterable[OutboxItem] = ()) -> bool:
    """The customer's last message is an opt-out keyword, or a send was refused because they opted out."""
    last_incoming = next((m for m in messages_newest_first if m.incoming), None)
    if last_incoming is not None and is_opt_out(last_incoming.content):
        return True
    return any(item.state is OutboxState.FAILED and _OPT_OUT_ERROR.search(item.error) for item in outbox)


def conversation_messages(conversation: Conversation) -> list[TextMessage]:
    """The page of messages and the two most recent ones merged (a send updates only the latter),
    newest first."""
    seen: set[tuple] = set()
    merged = []
    for message in (*conversation.messages, *conversation.recent_messages):
        when = message.created_at.replace(microsecond=0) if message.created_at else None
        key = (message.direction, " ".join((message.content or "").split()), when)
        if key not in seen:
            seen.add(key)
            merged.append(message)
    return sorted(merged, key=lambda m: m.created_at or _EPOCH, reverse=True)


def is_opted_out(conversation: Conversation) -> bool:
    """The customer's last message (of those the app holds) is STOP, UNSUBSCRIBE, CANCEL, END or QUIT."""
    return opted_out(conversation_messages(conversation))


# "Thanks for your help on the phone", "Thank you so much for the quote": a thank-you for something.
_THANKS_FOR = re.compile(r"(thanks|thank you)( so much| again)? for( \w+)+")


def is_acknowledgement(content: str | None) -> bool:
    """``Sounds good!``, ``Thanks :)``, ``ok 👍``, ``Perfect, see you then``, ``Thanks for your help!``:
    nothing to answer (every clause of it closes the conversation, and it asks nothing)."""
    if "?" in (content or ""):
        return False
    clauses = [
        " ".join(re.sub(r"[^a-z ]", " ", clause).split())
        for clause in re.split(r"[.,!;:\n]+", (content or "").casefold())
    ]
    said = [clause for clause in clauses if clause]
    return bool(said) and all(clause in ACKNOWLEDGEMENTS or _THANKS_FOR.fullmatch(clause) for clause in said)


def needs_reply(conversation: Conversation) -> bool:
    """The last message is the customer's, and it neither opted them out nor only said thanks."""
    if not conversation.awaiting_reply or is_opted_out(conversation):
        return False
    return not is_acknowledgement(conversation.newest_messages[0].content)
