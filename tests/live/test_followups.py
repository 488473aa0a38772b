from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call
from tui.live.followups import Followups, post_call_arrived

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def call(call_id: str, minutes_ago: float, call_type: str, duration: int = 60, **fields) -> Call:
    start = NOW - timedelta(minutes=minutes_ago)
    return Call.model_validate(
        {"id": call_id, "start_time": start.isoformat(), "call_type": call_type, "duration": duration}
        | fields
    )


def test_a_call_the_list_does_not_reach_is_reread_at_growing_gaps_then_given_up():
    followups = Followups()
    followups.track([call("A", 1, "answered")], NOW)  # ended now
    due_times = []
    moment = NOW
    while moment < NOW + timedelta(minutes=30):
        if followups.due(moment):
            due_times.append(round((moment - NOW).total_seconds() / 60))
            followups.fetched("A", moment)
        moment += timedelta(seconds=30)
    assert due_times == [1, 3, 8, 20]
    assert len(followups) == 0


def test_only_calls_with_a_recording_to_come_are_watched():
    followups = Followups()
    followups.track(
        [
            call("missed", 1, "missed", duration=0),
            call("abandoned", 1, "abandoned", duration=5),
            call("done", 1, "answered", recording="https://r", transcription="hi"),
            call("listed", 1, "answered", recording="https://r", call_summary="Asked for a quote."),
            call("old", 60, "answered"),
        ],
        NOW,
    )
    assert len(followups) == 0
    assert followups.window_start(NOW, NOW - timedelta(hours=4)) is None


def test_the_list_fields_tell_when_post_call_data_arrived():
    assert not post_call_arrived(call("A", 5, "answered"))
    assert not post_call_arrived(call("A", 5, "answered", recording="https://r"))  # summary still to come
    assert post_call_arrived(call("A", 5, "answered", recording="https://r", sentiment="positive"))


def test_watched_calls_set_how_far_back_the_calls_list_reads():
    followups = Followups()
    followups.track(
        [
            call("live", 10, "in_progress", duration=0),
            call("ended", 20, "answered", duration=300),  # ended 15 minutes ago, no recording yet
            call("stale", 6 * 60, "in_progress", duration=0),  # too old to widen the window for
        ],
        NOW,
    )
    assert followups.window_start(NOW, NOW - timedelta(hours=4)) == NOW - timedelta(minutes=20)
    assert followups.window_start(NOW, NOW - timedelta(minutes=15)) == NOW - timedelta(minutes=10)
    # the list read covers "ended" (and would the live one): only the stale call needs its own read
    followups.covered(NOW - timedelta(minutes=20), NOW)
    assert followups.due(NOW + timedelta(seconds=1)) == ["stale"]
    # 25 minutes after its end a call without post-call data is no longer watched
    later = NOW + timedelta(minutes=11)
    assert followups.window_start(later, later - timedelta(hours=4)) == NOW - timedelta(minutes=10)


def test_live_calls_are_watched_and_stale_ones_reread():
    followups = Followups()
    followups.track(
        [call("live", 10, "in_progress", duration=0), call("stale", 6 * 60, "in_progress", duration=0)], NOW
    )
    assert followups.oldest_live_start() == NOW - timedelta(minutes=10)
    assert followups.due(NOW) == ["stale"]
    followups.fetched("stale", NOW)
    assert followups.due(NOW + timedelta(minutes=1)) == []
    assert followups.due(NOW + timedelta(minutes=5)) == ["stale"]
    followups.track([call("live", 10, "answered", duration=300)], NOW)
    assert followups.oldest_live_start() is None


def test_a_call_opened_before_its_transcript_gets_one_detail_read_when_it_arrives():
    followups = Followups()
    opened = call("A", 3, "answered")  # the detail read found no recording or transcript yet
    followups.track([opened], NOW, opened=True)
    assert followups.details() == []
    enriched = opened.model_copy(update={"recording": "https://r", "call_summary": "Booked a cleaning."})
    followups.track([enriched], NOW)
    assert followups.details() == ["A"]
    followups.detail_fetched("A")
    followups.track([enriched], NOW)  # an account without transcripts: no second read
    assert followups.details() == []
    # a call nobody opened never needs one: the list shows all the feed needs
    listed = call("B", 3, "answered")
    followups.track([listed], NOW)
    followups.track([listed.model_copy(update={"recording": "https://r", "sentiment": "neutral"})], NOW)
    assert followups.details() == []
