"""The transcript a call's detail read brought is kept (in the store, and compactly in memory): after a
restart with the API unreachable, opening the call still shows it."""

from __future__ import annotations

from pathlib import Path

from tests.ui.detail_fixtures import HostApp, reopen, start_demo
from tui.callrail.models import TranscriptPhrase
from tui.screens.call_detail import CallDetailScreen
from tui.widgets.transcript import Transcript

SIZE = (120, 36)


async def test_the_stored_transcript_shows_after_a_restart_offline(tmp_path: Path) -> None:
    demo = await start_demo(tmp_path)
    call_id = demo.answered_call().id
    detail = await demo.session.open_call(call_id)
    phrases = detail.conversational_transcript
    assert len(phrases) > 3 and all(isinstance(phrase, TranscriptPhrase) for phrase in phrases)
    assert not hasattr(phrases[0], "__dict__")  # slots, not a model per phrase

    demo = await reopen(demo, tmp_path)
    demo.sim.faults.drop_rate = 1.0
    try:
        assert demo.session.state.calls[call_id].conversational_transcript == phrases
        app = HostApp(demo.session)
        async with app.run_test(size=SIZE) as pilot:
            screen = CallDetailScreen(call_id)
            await app.push_screen(screen)
            await app.workers.wait_for_complete()
            await pilot.pause()
            transcript = screen.query_one(Transcript)
            assert transcript.line_count > 3
            assert {turn.label for turn in transcript.turns} >= {"Agent", "Caller"}
    finally:
        await demo.session.stop()
