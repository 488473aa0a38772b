"""The store is pruned when a session starts and, in a session that runs for days (a hub), once a day
after that: a call older than the store keeps is gone within a day, and a day's batches prune only once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.callrail.models import Call
from tui.live.store import Store
from tui.live.store_pruning import STORE_KEEPS, StorePruning

from .conftest import make_env

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
EVER = datetime(2000, 1, 1, tzinfo=UTC)


def stored_ids(store: Store) -> set[str]:
    return {call.id for call in store.load_calls(EVER)}


def test_the_store_is_pruned_at_most_once_a_day(tmp_path) -> None:
    store = Store(tmp_path / "store.sqlite3", now=T0)
    pruning = StorePruning(store)
    pruning.when_due(T0)
    store.upsert_calls([Call(id="CAL1", start_time=T0 - STORE_KEEPS + timedelta(hours=1))], seen_at=T0)
    pruning.when_due(T0 + timedelta(hours=2))  # the call is now too old, but the store was pruned at T0
    assert stored_ids(store) == {"CAL1"}
    pruning.when_due(T0 + timedelta(days=1))
    assert stored_ids(store) == set()


async def test_a_session_running_for_days_prunes_its_store_as_batches_come(tmp_path) -> None:
    env = make_env(tmp_path / "data")
    await env.session.start()
    now = env.clock.now()
    old = Call(id="CALOLD", start_time=now - STORE_KEEPS + timedelta(hours=1))
    env.session.store.upsert_calls([old], seen_at=now)
    env.clock.advance(timedelta(days=1, minutes=1).total_seconds())
    assert "CALOLD" in stored_ids(env.session.store)
    await env.session.poll_once()
    assert "CALOLD" not in stored_ids(env.session.store)
    assert stored_ids(env.session.store), "the day's calls are kept"
    await env.session.stop()
