"""The API key never shows: not in the README screenshots, the snapshot baselines, the log file of a run,
the rendered screens (setup with a key typed in, the app), a crash's traceback or the CLI's errors."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, Static

from tui import cli
from tui.app import make_app
from tui.callrail.client import CallRailClient
from tui.config import Settings
from tui.logging_setup import LOG_NAME, setup_logging
from tui.screens.call_detail import CallDetailScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.feed import FeedScreen
from tui.screens.help import HelpScreen
from tui.screens.texts import TextsScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.sim import SimConfig

ROOT = Path(__file__).resolve().parents[2]
SIM_KEY = SimConfig().api_key
HEADER = "Token token="


def leaks(text: str, key: str = SIM_KEY) -> list[str]:
    """The secrets found in ``text`` (an SVG writes its spaces as ``&#160;``)."""
    text = text.replace("&#160;", " ")
    return [secret for secret in (key, HEADER) if secret in text]


def showing(app, screen_type: type) -> bool:
    """A screen of this type is on top, mounted, and what it loads (its workers) has arrived."""
    screen = app.screen
    if not isinstance(screen, screen_type) or not screen.is_mounted:
        return False
    return all(worker.is_finished for worker in app.workers if worker.node is screen)


def test_no_key_in_the_screenshots_or_the_snapshot_baselines() -> None:
    files = [*(ROOT / "screenshots").glob("*.svg"), *(ROOT / "tests" / "ui" / "__snapshots__").rglob("*")]
    files = [path for path in files if path.is_file()]
    assert len(files) >= 5
    leaked = {str(path.relative_to(ROOT)): leaks(path.read_text(errors="replace")) for path in files}
    assert not {path: found for path, found in leaked.items() if found}


async def test_no_key_in_the_log_file_or_on_any_screen_of_a_run(
    make_scene, tmp_path: Path, restore_logging: None
) -> None:
    demo = make_scene(notify_toast=True, notify_bell=False)
    assert demo.settings.api_key_value == SIM_KEY
    log_path = setup_logging(tmp_path / "logs", secrets=[demo.settings.api_key_value], level=logging.DEBUG)
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        screens = [app.export_screenshot()]
        for keys, shown in (
            (("c",), CompaniesScreen),
            (("escape", "t"), TextsScreen),
            (("enter",), ThreadScreen),
            (("escape", "escape", "question_mark"), HelpScreen),
            (("escape",), FeedScreen),
        ):
            await pilot.press(*keys)
            await wait_for(pilot, lambda shown=shown: showing(app, shown))
            screens.append(app.export_screenshot())
        app.open_call(next(iter(demo.session.state.calls)))
        await wait_for(pilot, lambda: showing(app, CallDetailScreen))
        screens.append(app.export_screenshot())
        # a failure whose message quotes the header, as a careless library might
        logging.getLogger("tui.test").error("request failed: Authorization: %s", f'Token token="{SIM_KEY}"')
        try:
            raise RuntimeError(f"bad header Token token={SIM_KEY}")
        except RuntimeError:
            logging.getLogger("tui.test").exception("worker failed")
        demo.simulator.faults.error_rate = 1.0
        app.action_refresh_now()
        # until a failed request has been logged
        await wait_for(pilot, lambda: re.search(r"-> 5\d\d", log_path.read_text()))
        demo.simulator.faults.reset()
    for screen in screens:
        assert not leaks(screen)
    logged = log_path.read_text()
    assert log_path.name == LOG_NAME and "worker failed" in logged and "Traceback" in logged
    assert not leaks(logged.replace("Token token=…", "")), "the key (or a whole header) is in the log"
    assert SIM_KEY not in logged


async def test_setup_never_shows_the_typed_key(demo, tmp_path: Path) -> None:
    sim = demo.simulator

    def client_factory(key: str, base_url: str) -> CallRailClient:
        return CallRailClient(key, base_url=base_url, transport=httpx.ASGITransport(app=sim.app))

    settings = Settings(config_path=tmp_path / "config.toml", data_dir=tmp_path / "data", state_dir=tmp_path)
    app = make_app(None, settings, client_factory=client_factory)
    async with app.run_test(size=SIZE) as pilot:
        field = app.screen.query_one("#setup-key", Input)
        field.focus()
        await pilot.press(*SIM_KEY)
        await pilot.pause()
        assert field.value == SIM_KEY
        assert not leaks(app.export_screenshot())
        await pilot.press("enter")
        said = app.screen.query_one("#setup-message", Static)
        await wait_for(pilot, lambda: "The key works" in str(said.render()))
        assert not leaks(app.export_screenshot())
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert not leaks(app.export_screenshot())


async def test_a_crash_prints_no_local_variables_and_masks_the_key(demo) -> None:
    """Textual prints a crash's traceback with each frame's locals; ours leaves them out and masks the key."""
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)

        def build(api_key: str) -> None:
            raise ValueError(f"cannot use {api_key}")

        try:
            build(SIM_KEY)
        except ValueError:
            app._fatal_error()
        printed = "".join(str(renderable) for renderable in app._exit_renderables)
        app._exit_renderables.clear()
    assert "ValueError: cannot use" in printed and "in build" in printed
    assert not leaks(printed) and "api_key =" not in printed


def test_the_cli_prints_no_key_when_something_unexpected_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    key = "live-key-4f1c9a7e2b6d8035"
    monkeypatch.setenv("CALLRAIL_API_KEY", key)
    monkeypatch.setenv("CALLRAIL_ACCOUNT_ID", "ACC123")

    def broken(settings: Settings):
        raise RuntimeError(f"could not open a session with {settings.api_key_value}")

    monkeypatch.setattr("tui.wiring.session_from_settings", broken)
    assert cli.main(["--config", str(tmp_path / "config.toml")]) == 1
    said = capsys.readouterr()
    assert "unexpected error: RuntimeError" in said.err
    assert key not in said.err + said.out and "Traceback" not in said.err
