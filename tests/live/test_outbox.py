"""The outbox against a scripted texting server (the simulator-backed test is in test_session_sim.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from tui.callrail.budget import Bucket, Limits, RateBudget
from tui.callrail.errors import NetworkError, OptedOut, SendOutcomeUnknown, TextingNotEnabled
from tui.callrail.models import Conversation, Page
from tui.live.events import OutboxChanged, OutboxState
from tui.live.outbox import Outbox
from tui.live.store import Store
from tui.sim.clock import ManualClock

START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
NUMBER = "+15125550100"

SENT_THEN_LOST = "sent, answer lost"
LOST_BEFORE_SENDING = "lost before sending"


class TextingServer:
    """send_text / list_conversations / get_conversation, with scripted failures."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.messages: list[dict] = []  # newest first
        self.sends = 0
        self.script: list[object] = []
        self.budget: RateBudget | None = None  # counts sends, like the real client

    def conversation(self) -> Conversation:
        return Conversation.model_validate(
            {
                "id": "Qm1",
                "company_id": "COM1",
                "customer_phone_number": NUMBER,
                "last_message_at": self.messages[0]["created_at"] if self.messages else None,
                "recent_messages": self.messages[:2],
                "messages": self.messages,
            }
        )

    async def send_text(
        self, account_id, *, company_id, customer_phone_number, content, tracking_number=None
    ):
        if self.budget is not None:
            await self.budget.acquire(Bucket.SMS, wait=False)
        self.sends += 1
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        if step == LOST_BEFORE_SENDING:
            raise SendOutcomeUnknown("no answer")
        self.messages.insert(
            0,
            {
                "direction": "outgoing",
                "content": content + " Reply STOP to opt out.",
                "created_at": self.clock.now().isoformat(),
            },
        )
        if step == SENT_THEN_LOST:
            raise SendOutcomeUnknown("no answer")
        listed = self.conversation()
        return listed.model_copy(update={"messages": []})

    async def list_conversations(self, account_id, *, search=None, company_id=None, per_page=25, **_):
        items = [self.conversation().model_copy(update={"messages": []})] if self.messages else []
        return Page(items=items)

    async def get_conversation(self, account_id, conversation_id, *_, **__):
        return self.conversation()


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def server(clock):
    return TextingServer(clock)


def make_outbox(server, clock, store=None, limits=None):
    events, conversations, texting = [], [], []
    server.budget = RateBudget("test", limits=limits or Limits(), share=1.0, clock=clock)
    outbox = Outbox(
        client=server,
        account_id="ACC1",
        store=store or Store(":memory:"),
        budget=server.budget,
        clock=clock,
        emit=events.append,
        on_conversation=conversations.append,
        on_texting_enabled=texting.append,
    )
    return outbox, events, conversations, texting


def enqueue(outbox, content="On our way, 10 min."):
    return outbox.enqueue(company_id="COM1", customer_phone_number=NUMBER, content=content)


async def test_text_is_sent_once_and_every_step_is_announced(server, clock):
    outbox, events, conversations, texting = make_outbox(server, clock)
    item = enqueue(outbox)
    await outbox.process()
    await outbox.process()
    assert server.sends == 1
    [sent] = outbox.items()
    assert sent.state is OutboxState.SENT and sent.conversation_id == "Qm1"
    assert [e.item.state for e in events if isinstance(e, OutboxChanged)] == [
        OutboxState.QUEUED,
        OutboxState.SENDING,
        OutboxState.SENT,
    ]
    assert conversations[0].id == "Qm1" and texting == [True]
    assert sent.id == item.id


async def test_lost_answer_is_resolved_by_reading_the_conversation(server, clock):
    outbox, _, _, _ = make_outbox(server, clock)
    server.script = [SENT_THEN_LOST]
    enqueue(outbox)
    await outbox.process()
    [item] = outbox.items()
    assert item.state is OutboxState.SENT and item.conversation_id == "Qm1"
    assert server.sends == 1


async def test_unknown_stays_unknown_until_the_user_decides(server, clock):
    outbox, _, _, _ = make_outbox(server, clock)
    server.script = [LOST_BEFORE_SENDING]
    enqueue(outbox)
    await outbox.process()
    [item] = outbox.items()
    assert item.state is OutboxState.UNKNOWN
    assert "not in the conversation" in item.error
    await outbox.process()
    assert server.sends == 1  # never resent on its own
    outbox.resolve_unknown(item.id, sent=False)
    await outbox.process()
    assert server.sends == 2
    assert outbox.items()[0].state is OutboxState.SENT


async def test_same_words_sent_earlier_do_not_count_as_this_send(server, clock):
    outbox, _, _, _ = make_outbox(server, clock)
    enqueue(outbox, "OK")
    await outbox.process()
    server.script = [LOST_BEFORE_SENDING]
    enqueue(outbox, "OK")
    await outbox.process()
    assert [item.state for item in outbox.items()] == [OutboxState.SENT, OutboxState.UNKNOWN]


async def test_crash_while_sending_is_checked_not_resent(server, clock, tmp_path):
    store = Store(tmp_path / "s.db")
    outbox, _, _, _ = make_outbox(server, clock, store)
    sent_before_crash = enqueue(outbox, "first")
    never_sent = enqueue(outbox, "second")
    store.set_outbox_state(sent_before_crash.id, OutboxState.SENDING, now=clock.now())
    store.set_outbox_state(never_sent.id, OutboxState.CHECKING, now=clock.now())
    # the server got the first one just before the app died
    server.messages.insert(
        0, {"direction": "outgoing", "content": "first", "created_at": clock.now().isoformat()}
    )
    store.close()

    clock.advance(600)
    restarted, _, _, _ = make_outbox(server, clock, Store(tmp_path / "s.db"))
    restarted.recover()
    await restarted.process()
    states = {item.content: item.state for item in restarted.items()}
    assert states == {"first": OutboxState.SENT, "second": OutboxState.UNKNOWN}
    assert server.sends == 0


async def test_opted_out_and_texting_disabled_fail_with_the_message(server, clock):
    outbox, _, _, texting = make_outbox(server, clock)
    server.script = [
        OptedOut("This number has opted out of texts"),
        TextingNotEnabled("Texting is not enabled"),
    ]
    enqueue(outbox, "one")
    enqueue(outbox, "two")
    await outbox.process()
    first, second = outbox.items()
    assert first.state is OutboxState.FAILED and "opted out" in first.error
    assert second.state is OutboxState.FAILED and "not enabled" in second.error
    assert texting == [False]


async def test_network_failure_before_sending_keeps_it_queued(server, clock):
    outbox, _, _, _ = make_outbox(server, clock)
    server.script = [NetworkError("Could not connect")]
    enqueue(outbox)
    delay = await outbox.process()
    [item] = outbox.items()
    assert item.state is OutboxState.QUEUED and "Could not connect" in item.error
    assert delay > 0
    await outbox.process()
    assert outbox.items()[0].state is OutboxState.SENT
    assert server.sends == 2


async def test_out_of_sms_budget_waits_and_sends_later_in_order(server, clock):
    outbox, _, _, _ = make_outbox(server, clock, limits=Limits(sms_hourly=2))
    for n in range(4):
        enqueue(outbox, f"text {n}")
    delay = await outbox.process()
    assert [item.state for item in outbox.items()] == [OutboxState.SENT] * 2 + [OutboxState.QUEUED] * 2
    assert "SMS budget" in outbox.items()[2].error
    assert 0 < delay <= 3601
    clock.advance(delay)
    await outbox.process()
    assert [item.state for item in outbox.items()] == [OutboxState.SENT] * 4
    sent_order = [m["content"].split(" Reply")[0] for m in reversed(server.messages)]
    assert sent_order == [f"text {n}" for n in range(4)]
    assert server.sends == 4  # the budget never refused a send: the outbox waited for it


async def test_a_failed_check_stays_checking_and_is_checked_again(server, clock):
    outbox, _, _, _ = make_outbox(server, clock)
    server.script = [SENT_THEN_LOST]
    enqueue(outbox)

    async def offline(*args, **kwargs):
        raise NetworkError("offline")

    read = server.list_conversations
    server.list_conversations = offline
    delay = await outbox.process()
    assert outbox.items()[0].state is OutboxState.CHECKING and delay > 0
    assert "Could not check yet: offline" in outbox.items()[0].error
    server.list_conversations = read
    clock.advance(timedelta(seconds=delay).total_seconds())
    await outbox.process()
    assert outbox.items()[0].state is OutboxState.SENT
    assert server.sends == 1
