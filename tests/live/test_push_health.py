"""Push or poll: deliveries earn trust, polls that keep finding what no delivery announced take it away."""

from datetime import UTC, datetime, timedelta

from tui.live.events import Channel
from tui.live.push import ANNOUNCED_TO_RECOVER, MISS_GRACE, PushHealth

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
OLD = NOW - MISS_GRACE - timedelta(seconds=1)


def pushed(health: PushHealth, count: int = 1):
    return health.arrived(pushed=True, happened=[NOW] * count, now=NOW)


def polled(health: PushHealth, *happened):
    return health.arrived(pushed=False, happened=list(happened), now=NOW)


def test_without_a_webhook_source_it_is_polling_with_nothing_to_explain():
    health = PushHealth()
    assert pushed(health, 3).channel is Channel.POLL
    assert health.status.reason == ""


def test_push_once_a_delivery_came_and_not_before():
    health = PushHealth()
    assert health.expect().reason == "no webhook received yet"
    assert polled(health, OLD).channel is Channel.POLL
    assert pushed(health).channel is Channel.PUSH


def test_a_few_misses_are_tolerated_but_three_in_ten_fall_back_and_say_why():
    health = PushHealth()
    health.expect()
    pushed(health, 8)
    assert polled(health, OLD, OLD).channel is Channel.PUSH
    status = polled(health, OLD)
    assert status.channel is Channel.POLL
    assert status.reason == "polls found 3 of the last 10 calls and texts before any webhook"


def test_a_poll_quicker_than_a_delivery_in_flight_is_not_a_miss():
    health = PushHealth()
    health.expect()
    pushed(health)
    assert polled(health, NOW, NOW, NOW, NOW - timedelta(seconds=5)).channel is Channel.PUSH


def test_after_falling_back_push_is_trusted_again_only_after_deliveries_in_a_row():
    health = PushHealth()
    health.expect()
    pushed(health)
    polled(health, OLD, OLD, OLD)
    assert pushed(health, ANNOUNCED_TO_RECOVER - 1).channel is Channel.POLL
    polled(health, OLD)  # the run is broken
    assert pushed(health, ANNOUNCED_TO_RECOVER - 1).channel is Channel.POLL
    assert pushed(health).channel is Channel.PUSH


def test_a_receiver_that_cannot_take_deliveries_means_polling_until_it_can():
    health = PushHealth()
    health.expect()
    pushed(health)
    status = health.problem("the webhook receiver cannot listen on 127.0.0.1:8787")
    assert status.channel is Channel.POLL and "8787" in status.reason
    assert health.problem("").channel is Channel.PUSH
