"""Through a team hub, a colleague's text in a thread says who sent it; the viewer's own say "You"."""

from datetime import UTC, datetime

from tui.callrail.models import TextMessage
from tui.live.events import OutboxItem, OutboxState
from tui.widgets.message_thread import colleagues_messages, message_content, message_key

AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def item(content: str, sent_by: str, state: OutboxState = OutboxState.SENT) -> OutboxItem:
    return OutboxItem(1, "COM1", "+15125550164", None, content, state, AT, AT, sent_by=sent_by)


def message(id: str, content: str, direction: str = "outgoing") -> TextMessage:
    return TextMessage(id=id, content=content, direction=direction, created_at=AT)


def test_a_colleagues_sent_text_is_shown_with_their_name() -> None:
    messages = [message("1", "Hi"), message("2", "On our way [b]now[/b]"), message("3", "Hi", "incoming")]
    outbox = [item("On our way [b]now[/b]", "Dana"), item("Hi", ""), item("Later", "Sam", OutboxState.QUEUED)]
    senders = colleagues_messages(messages, outbox)
    assert senders == {message_key(messages[1]): "Dana"}
    shown = message_content(messages[1], customer="Caller", where=UTC, now=AT, sent_by="Dana").plain
    assert shown.startswith("Dana · ") and "[b]now[/b]" in shown
    assert message_content(messages[0], customer="Caller", where=UTC, now=AT).plain.startswith("You · ")
