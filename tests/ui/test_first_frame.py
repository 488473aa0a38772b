"""The first frame shows the stored calls before the live session exists; the session follows it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks import synthetic
from tui.app import make_app
from tui.config import Settings
from tui.live.first_rows import FIRST_CALLS, first_calls, store_path
from tui.live.store import Store
from tui.widgets.call_table import CallTable

UNREACHABLE = "http://127.0.0.1:9/v3/"

# Runs the app headless in a fresh interpreter, as the command line does (no session given), and notes
# what it holds at its first frame and once its session runs.
CHILD = """
import asyncio, json, sys
from pathlib import Path
from tui.app import make_app
from tui.config import Settings
from tui.widgets.call_table import CallTable

data_dir = Path(sys.argv[1])
settings = Settings(api_key="first-frame-key-0000", account_id="ACC1", base_url=sys.argv[2],
                    config_path=data_dir / "config.toml", data_dir=data_dir, state_dir=data_dir / "state",
                    notify_toast=False, notify_bell=False)
app = make_app(None, settings)
seen = {}
display = app._display

def note(screen, update):
    display(screen, update)
    tables = app.screen.query(CallTable)
    if update is not None and "first" not in seen and tables and tables.first().call_count:
        loaded = ("pydantic", "tui.callrail.models", "tui.live.session", "tui.wiring", "httpx")
        seen["first"] = {
            "rows": tables.first().call_count,
            "session": app.session is not None,
            "loaded": [name for name in loaded if name in sys.modules],
        }

app._display = note

async def until_live(pilot):
    while "first" not in seen or app.session is None:
        await asyncio.sleep(0.01)
    table = app.screen.query_one(CallTable)
    while table.call_count < int(sys.argv[3]):
        await asyncio.sleep(0.01)
    seen["live"] = {"kinds": sorted({type(call).__name__ for call in table.visible_calls()}),
                    "rows": table.call_count, "status_bar": bool(app.screen.query("StatusBar"))}
    app.exit()

app.run(headless=True, size=(100, 30), auto_pilot=until_live)
print(json.dumps(seen))
"""


def fill_store(data_dir: Path, count: int) -> None:
    now = datetime.now(UTC)
    store = Store(store_path(data_dir), now=now)
    store.upsert_calls(synthetic.calls(count, now, spacing=timedelta(minutes=1)), seen_at=now)
    store.close()


def test_the_first_frame_draws_the_stored_calls_without_the_models(tmp_path: Path) -> None:
    fill_store(tmp_path, 150)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), UNREACHABLE, "150"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["first"] == {"rows": FIRST_CALLS, "session": False, "loaded": []}
    assert seen["live"] == {"kinds": ["Call"], "rows": 150, "status_bar": True}


def settings_for(data_dir: Path) -> Settings:
    return Settings(
        api_key="first-frame-key-0000",
        account_id="ACC1",
        base_url=UNREACHABLE,
        config_path=data_dir / "config.toml",
        data_dir=data_dir,
        state_dir=data_dir / "state",
        notify_toast=False,
        notify_bell=False,
    )


@pytest.mark.parametrize("kind", ["a file", "a name too long", "markup in its name"])
async def test_a_data_folder_that_cannot_be_used_ends_the_app_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "a file":
        not_a_folder = tmp_path / "data"
        not_a_folder.write_text("a file where the data folder should be")
    elif kind == "a name too long":
        not_a_folder = tmp_path / ("x" * 300)  # reading the first rows fails too, not only the session
    else:
        not_a_folder = tmp_path / "[bold]data"
        not_a_folder.write_text("said as written, not as markup")
    app = make_app(None, settings_for(not_a_folder))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(CallTable)
        assert table.call_count == 0
    assert app.return_code == 2 and app.session is None
    said = capsys.readouterr().err  # printed as the app leaves
    unwrapped = "".join(said.split())  # the console wraps a long path
    assert "".join(f"cannot use the data folder {not_a_folder}".split()) in unwrapped


async def test_keys_wait_for_the_session_then_work(tmp_path: Path) -> None:
    fill_store(tmp_path, 30)
    app = make_app(None, settings_for(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        feed = app.screen
        assert feed.check_action("toggle_callback", ()) is None  # shown, dimmed: no session yet
        assert "opening the stored calls" in str(feed.query_one("#feed-header").render())
        app.action_toggle_mask()  # before the session: the first rows mask, and the context takes it on
        assert feed.table.mask
        while app.session is None:
            await pilot.pause(0.01)
        await pilot.pause()
        assert feed.check_action("toggle_callback", ()) is True
        assert "30 calls" in str(feed.query_one("#feed-header").render())
        assert app.context.mask and feed.table.mask
        await pilot.press("b")
        assert feed.callbacks_only
        await app.action_quit()


def test_first_calls_reads_the_newest_of_the_day_and_skips_what_it_cannot_read(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    assert first_calls(tmp_path / "none.sqlite3", now) == []
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    assert first_calls(broken, now) == []

    fill_store(tmp_path, 120)
    path = store_path(tmp_path)
    two_days_ago = (now - timedelta(days=2)).timestamp()
    old = [f"CALBENCH{index:08d}" for index in range(1, 6)]
    with sqlite3.connect(path) as db:
        db.execute("UPDATE calls SET json = '{broken' WHERE id = 'CALBENCH00000000'")
        db.executemany("UPDATE calls SET start_time = ? WHERE id = ?", [(two_days_ago, i) for i in old])
    rows = first_calls(path, now)
    # the newest page of the day holds the broken row, which is skipped (not replaced by another)
    assert len(rows) == FIRST_CALLS - 1
    assert {row.id for row in rows}.isdisjoint({"CALBENCH00000000", *old})
    starts = [row.start_time for row in rows]
    assert starts == sorted(starts, reverse=True) and rows[0].id == "CALBENCH00000006"
