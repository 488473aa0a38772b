"""Snapshots of the app's own screens at a fixed size, seed and (held) clock.

Update them after an intended change with ``uv run pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the report before accepting.
"""

from __future__ import annotations

from pathlib import Path

from tui.app import CallRailApp, make_app
from tui.config import Settings
from tui.screenshots import PUBLIC_URL, SIZE, scene, show_webhooks, wait_until_forms_read, wait_until_polled

# Shown on the setup screen; a fixed path keeps the snapshot the same on every machine.
SHOWN_CONFIG_PATH = Path("/home/you/.config/callrail-tui/config.toml")


def polled(keys: tuple[str, ...] = (), *, forms: bool = False):
    """``run_before``: wait for the first poll (and with ``forms``, the next, which reads today's forms),
    press keys, then stop the session (the screen stays)."""

    async def run_before(pilot) -> None:
        app: CallRailApp = pilot.app
        await wait_until_polled(pilot, app)
        if forms:
            await wait_until_forms_read(pilot, app)
        await pilot.press(*keys)
        await pilot.pause()
        assert app.session is not None
        await app.session.stop()

    return run_before


def demo_app(tmp_path: Path) -> CallRailApp:
    built = scene(tmp_path)
    return make_app(built.session, built.settings)


def test_feed(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled())


def test_feed_needing_a_callback_sorted_by_company(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("b", "s", "j", "j")))


def test_companies(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("c",)))


def test_help(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("question_mark",)))


def test_setup(snap_compare, tmp_path: Path) -> None:
    settings = Settings(
        config_path=SHOWN_CONFIG_PATH,
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
    )
    assert snap_compare(make_app(None, settings), terminal_size=SIZE)


def test_texts(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("t",)))


def test_inbox(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("i", "j", "j")))


def test_webhooks(snap_compare, tmp_path: Path) -> None:
    built = scene(tmp_path, webhooks_url=PUBLIC_URL)

    async def run_before(pilot) -> None:
        await wait_until_polled(pilot, pilot.app)
        await show_webhooks(pilot, built)
        await built.session.stop()

    assert snap_compare(make_app(built.session, built.settings), terminal_size=SIZE, run_before=run_before)


def test_forms(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=polled(("F",), forms=True))


def test_form_detail(snap_compare, tmp_path: Path) -> None:
    run_before = polled(("F", "enter"), forms=True)
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=run_before)
