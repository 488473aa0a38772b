"""The needs-attention inbox's rules, on a LiveState and an in-memory store, without Textual."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.callrail.models import Call, Conversation, FormSubmission
from tui.live.attention import Attention, AttentionKind
from tui.live.handled import HandledMarks
from tui.live.state import LiveState
from tui.live.store import MEMORY, Store
from tui.sim.clock import ManualClock

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
CALLER = "+15125550100"


def call(call_id: str, minutes_ago: float, call_type: str = "answered", **fields) -> Call:
    data = {
        "id": call_id,
        "start_time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "company_id": "COM1",
        "company_name": "Bay State Dental",
        "customer_phone_number": CALLER,
        "call_type": call_type,
        "duration": 0 if call_type in ("missed", "in_progress") else 60,
        "direction": "outbound" if call_type == "outbound" else "inbound",
    }
    return Call.model_validate(data | fields)


def conversation(conversation_id: str, *messages: tuple[str, float, str], **fields) -> Conversation:
    """messages: (direction, minutes_ago, content), newest first."""
    recent = [
        {"direction": direction, "content": content, "created_at": (NOW - timedelta(minutes=ago)).isoformat()}
        for direction, ago, content in messages
    ]
    data = {
        "id": conversation_id,
        "company_id": "COM1",
        "company_name": "Bay State Dental",
        "customer_phone_number": CALLER,
        "last_message_at": (NOW - timedelta(minutes=min(ago for _, ago, _ in messages))).isoformat(),
        "recent_messages": recent,
    }
    return Conversation.model_validate(data | fields)


class Inbox:
    """A state, its marks in a store, and the inbox over them; ``add`` merges and updates as the
    screen does on a live event."""

    def __init__(self, store: Store | None = None, **options) -> None:
        self.state = LiveState()
        self.store = store or Store(MEMORY)
        self.marks = HandledMarks(self.store, ManualClock(NOW))
        self.attention = Attention(self.state, self.marks, **options)
        self.attention.rebuild()

    def add(self, *records: Call | Conversation | FormSubmission) -> None:
        calls = self.state.merge_calls([r for r in records if isinstance(r, Call)])
        conversations = self.state.merge_conversations([r for r in records if isinstance(r, Conversation)])
        forms = self.state.forms.merge([r for r in records if isinstance(r, FormSubmission)])
        self.attention.update(
            [*calls.new, *calls.changed],
            [*conversations.new, *conversations.changed],
            [*forms.new, *forms.changed],
        )

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.attention.items]


def test_missed_abandoned_and_voicemail_calls_need_attention_answered_ones_do_not():
    inbox = Inbox()
    inbox.add(
        call("m", 30, "missed"),
        call("a", 20, "abandoned", customer_phone_number="+1a", duration=40),
        call("v", 10, "voicemail", customer_phone_number="+1v"),
        call("ok", 5, customer_phone_number="+1ok"),
        call("live", 1, "in_progress", customer_phone_number="+1live"),
    )
    assert inbox.ids == ["m", "a", "v"]
    reasons = [(item.kind, item.reason) for item in inbox.attention.items]
    assert reasons == [
        (AttentionKind.CALL, "missed"),
        (AttentionKind.CALL, "abandoned"),
        (AttentionKind.CALL, "voicemail"),
    ]
    assert inbox.attention.items[0].since == NOW - timedelta(minutes=30)


def test_a_later_answered_call_clears_a_missed_one_an_earlier_one_does_not():
    inbox = Inbox()
    inbox.add(call("earlier", 40), call("m", 30, "missed"))
    assert inbox.ids == ["m"]
    inbox.add(call("later", 10))
    assert inbox.ids == []


def test_a_call_back_clears_it_answered_or_not_but_only_from_the_same_company():
    inbox = Inbox()
    inbox.add(call("m", 30, "missed"), call("v", 25, "voicemail", customer_phone_number="+1v"))
    inbox.add(call("elsewhere", 20, "outbound", company_id="COM2", answered=False))
    assert inbox.ids == ["m", "v"]
    inbox.add(call("callback", 10, "outbound", answered=False))
    assert inbox.ids == ["v"]


def test_a_text_reply_after_the_call_clears_it_one_before_does_not():
    inbox = Inbox()
    inbox.add(call("m", 30, "missed"), conversation("Q1", ("outgoing", 45, "Hi!")))
    assert inbox.ids == ["m"]
    inbox.add(conversation("Q1", ("outgoing", 10, "Sorry we missed you"), ("outgoing", 45, "Hi!")))
    assert inbox.ids == []


def test_a_conversation_waiting_on_us_needs_a_reply_an_acknowledgement_does_not():
    inbox = Inbox()
    inbox.add(
        conversation(
            "ask", ("incoming", 5, "Can you come today?"), ("incoming", 12, "Hello"), ("outgoing", 20, "Hi")
        ),
        conversation(
            "thanks",
            ("incoming", 3, "Sounds good!"),
            ("outgoing", 8, "See you at 10"),
            customer_phone_number="+1t",
        ),
        conversation("perfect", ("incoming", 3, "Perfect, see you then 👍"), customer_phone_number="+1p"),
        conversation("but", ("incoming", 4, "Ok, but can you come at 3?"), customer_phone_number="+1b"),
        conversation("ours", ("outgoing", 2, "On our way"), customer_phone_number="+1o"),
        conversation("stop", ("incoming", 2, "STOP"), customer_phone_number="+1s"),
    )
    item, _ = inbox.attention.items
    assert (item.kind, item.id, item.reason) == (AttentionKind.TEXT, "ask", "awaiting a reply")
    assert item.since == NOW - timedelta(minutes=12)  # since the first message nobody answered
    assert inbox.ids == ["ask", "but"]
    inbox.add(conversation("ask", ("outgoing", 1, "Yes, at 3"), ("incoming", 5, "Can you come today?")))
    assert inbox.ids == ["but"]


def test_oldest_first_grouped_by_company_in_name_order():
    inbox = Inbox()
    inbox.add(
        call("a1", 10, "missed", company_id="A", company_name="Alpha", customer_phone_number="+1"),
        call("b1", 50, "missed", company_id="B", company_name="Bravo", customer_phone_number="+2"),
        call("a2", 40, "voicemail", company_id="A", company_name="Alpha", customer_phone_number="+3"),
        conversation(
            "b2", ("incoming", 20, "Quote?"), company_id="B", company_name="Bravo", customer_phone_number="+4"
        ),
    )
    assert inbox.ids == ["b1", "a2", "b2", "a1"]
    groups = inbox.attention.groups()
    assert [(g.company_name, [i.id for i in g.items]) for g in groups] == [
        ("Alpha", ["a2", "a1"]),
        ("Bravo", ["b1", "b2"]),
    ]


def test_short_abandoned_calls_are_hidden_by_the_setting():
    inbox = Inbox(hide_abandoned_under=10)
    inbox.add(
        call("hung-up", 20, "abandoned", duration=1),
        call("waited", 10, "abandoned", duration=45, customer_phone_number="+1w"),
        call("missed", 5, "missed", customer_phone_number="+1m"),
    )
    assert inbox.ids == ["waited", "missed"]
    unset = Inbox()
    unset.add(call("hung-up", 20, "abandoned", duration=1))
    assert unset.ids == ["hung-up"]


def test_mark_handled_removes_it_undo_brings_back_the_last_one_first(tmp_path: Path):
    store = Store(tmp_path / "store.sqlite3")
    inbox = Inbox(store)
    inbox.add(call("m1", 30, "missed"), call("m2", 20, "missed", customer_phone_number="+1b"))
    first, second = inbox.attention.items
    inbox.attention.mark_handled(first)
    inbox.attention.mark_handled(second)
    assert inbox.ids == []
    assert inbox.attention.undo() == second
    assert inbox.ids == ["m2"]
    # a restart: the mark that stayed is read back from the store; this run's undo list is gone
    store.close()
    again = Inbox(Store(tmp_path / "store.sqlite3"))
    again.add(call("m1", 30, "missed"), call("m2", 20, "missed", customer_phone_number="+1b"))
    assert again.ids == ["m2"]
    assert again.attention.undo() is None


def test_undo_does_not_bring_back_what_no_longer_needs_attention():
    inbox = Inbox()
    inbox.add(call("m", 30, "missed"))
    [item] = inbox.attention.items
    inbox.attention.mark_handled(item)
    inbox.add(call("answered", 5))
    assert inbox.attention.undo() == item
    assert inbox.ids == []


def test_a_new_message_opens_a_handled_conversation_again():
    inbox = Inbox()
    inbox.add(conversation("Q", ("incoming", 30, "Do you open Sunday?")))
    [item] = inbox.attention.items
    inbox.attention.mark_handled(item)
    assert inbox.ids == []
    inbox.add(conversation("Q", ("incoming", 2, "Hello??"), ("incoming", 30, "Do you open Sunday?")))
    assert inbox.ids == ["Q"]


def test_a_call_carrying_the_handled_tag_counts_as_handled_when_the_tag_is_set():
    tagged = call("m", 30, "missed", tags=["Handled"])
    without_setting = Inbox()
    without_setting.add(tagged)
    assert without_setting.ids == ["m"]
    inbox = Inbox(handled_tag="handled")
    inbox.add(tagged, call("other", 20, "missed", customer_phone_number="+1o", tags=["Quote"]))
    assert inbox.ids == ["other"]


def test_undo_of_a_tagged_call_shows_it_until_the_tag_comes_back():
    inbox = Inbox(handled_tag="Handled")
    inbox.add(call("m", 30, "missed"))
    [item] = inbox.attention.items
    inbox.attention.mark_handled(item)
    inbox.add(call("m", 30, "missed", tags=["Handled"]))  # the tag reached CallRail and was read back
    assert inbox.ids == []
    inbox.attention.undo()
    assert inbox.ids == ["m"]  # the tag is still on the call, but the user undid the mark
    inbox.add(call("m", 30, "missed", tags=[]))  # the tag removed
    assert inbox.ids == ["m"]
    inbox.add(call("m", 30, "missed", tags=["handled"]))  # a colleague tags it again
    assert inbox.ids == []


def test_forgotten_records_leave_the_inbox():
    inbox = Inbox()
    inbox.add(call("m", 30, "missed"), conversation("Q", ("incoming", 3, "Hi?"), customer_phone_number="+1q"))
    inbox.attention.update(removed_calls=["m", "Q"])
    assert inbox.ids == ["Q"]
    inbox.attention.update(removed_conversations=["Q"])
    assert inbox.ids == []


def test_rebuild_matches_updates():
    inbox = Inbox(hide_abandoned_under=5)
    inbox.add(
        call("earlier", 40),
        call("m", 30, "missed"),
        call("a", 25, "abandoned", duration=2, customer_phone_number="+1a"),
    )
    inbox.add(
        conversation("Q", ("incoming", 3, "Hi?"), customer_phone_number="+1q"),
        call("v", 2, "voicemail", customer_phone_number="+1v"),
    )
    updated = inbox.ids
    inbox.attention.rebuild()
    assert inbox.ids == updated == ["m", "Q", "v"]


def form(form_id: str, minutes_ago: float, **fields) -> FormSubmission:
    data = {
        "id": form_id,
        "company_id": "COM1",
        "submitted_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "customer_name": "Dana Reyes",
        "customer_phone_number": CALLER,
        "form_url": "https://baystate.example/contact",
    }
    return FormSubmission.model_validate(data | fields)


def test_a_new_form_needs_attention_until_the_company_calls_or_texts_that_number():
    inbox = Inbox()
    inbox.add(form("f1", 30))
    [item] = inbox.attention.items
    assert (
        item.kind is AttentionKind.FORM and item.reason == "new form" and item.customer_name == "Dana Reyes"
    )
    inbox.add(conversation("c", ("outgoing", 40, "Earlier text")))  # before the form: still waiting
    assert inbox.ids == ["f1"]
    inbox.add(conversation("c", ("outgoing", 5, "Hi Dana, got your form"), ("outgoing", 40, "Earlier text")))
    assert inbox.ids == []

    other = Inbox()
    other.add(form("f2", 30, customer_phone_number="+15125550199"))
    other.add(call("back", 10, "outbound", customer_phone_number="+15125550199"))
    assert other.ids == []


def test_a_form_marked_handled_stays_handled_and_undo_brings_it_back():
    inbox = Inbox()
    inbox.add(form("f1", 30))
    [item] = inbox.attention.items
    inbox.attention.mark_handled(item)
    assert inbox.ids == []
    inbox.attention.rebuild()
    assert inbox.ids == []
    inbox.attention.undo()
    assert inbox.ids == ["f1"]
