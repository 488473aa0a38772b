"""Deliveries that arrive together are committed together: every one is kept before its answer, a copy
in the same batch is a duplicate, and a failed commit fails every delivery of its batch."""

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest

from tui.live.webhooks.group_commit import GroupCommit
from tui.live.webhooks.inbox import Inbox

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


async def test_a_burst_is_kept_in_few_commits_and_a_copy_is_a_duplicate(tmp_path, monkeypatch):
    inbox = Inbox(tmp_path / "inbox.sqlite3")
    commits = []
    add_many = inbox.add_many
    monkeypatch.setattr(inbox, "add_many", lambda items: commits.append(len(items)) or add_many(items))
    keeper = GroupCommit(inbox)
    bodies = [f'{{"n": {n}}}'.encode() for n in range(50)]
    added = await asyncio.gather(
        *(keeper.add("COM1", "pre_call_webhook", b, NOW) for b in [*bodies, bodies[0]])
    )
    assert added.count(True) == 50 and added[-1] is False
    assert sum(commits) == 51 and len(commits) < 51
    inbox.close()
    again = Inbox(tmp_path / "inbox.sqlite3")  # on disk, not just in memory
    assert len(again.pending(100)) == 50
    again.close()


async def test_a_failed_commit_fails_its_deliveries_and_the_next_ones_are_kept(tmp_path, monkeypatch):
    inbox = Inbox(tmp_path / "inbox.sqlite3")
    keeper = GroupCommit(inbox)
    working = inbox.add_many

    def full_disk(items):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(inbox, "add_many", full_disk)
    with pytest.raises(sqlite3.OperationalError):
        await keeper.add("COM1", "pre_call_webhook", b"{}", NOW)
    monkeypatch.setattr(inbox, "add_many", working)
    assert await keeper.add("COM1", "pre_call_webhook", b"{}", NOW) is True
    inbox.close()
