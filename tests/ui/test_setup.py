"""First run: the setup screen checks the key, lets the user pick the account, saves 0600 and starts."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
from textual.widgets import Input, OptionList, Static

from tui.app import make_app
from tui.callrail.client import CallRailClient
from tui.config import Settings, load_settings
from tui.screens.feed import FeedScreen
from tui.screens.setup import SetupScreen
from tui.screenshots import SIM_URL, SIZE, wait_for, wait_until_polled
from tui.wiring import session_for_account


def message(app) -> str:
    return str(app.screen.query_one("#setup-message", Static).render())


def fresh_settings(tmp_path: Path, **values) -> Settings:
    return Settings(
        config_path=tmp_path / "config" / "config.toml",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        notify_toast=False,
        notify_bell=False,
        **values,
    )


def on_simulator(demo):
    """The app's session factory, on the scene's simulator: the accounts the saved settings name."""

    def session_factory(settings: Settings):
        return session_for_account(
            api_key=settings.api_key_value,
            account_id=settings.account_id,
            data_dir=settings.data_dir,
            base_url=settings.base_url,
            clock=demo.clock,
            transport=httpx.ASGITransport(app=demo.simulator.app),
            more_accounts=settings.account_ids[1:],
        )

    return session_factory


async def type_key(pilot, app, key: str) -> None:
    field = app.screen.query_one("#setup-key", Input)
    field.value = ""
    field.focus()
    await pilot.press(*key, "enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_bad_key_then_good_key_pick_account_save_and_start(tmp_path: Path, demo) -> None:
    sim = demo.simulator

    def client_factory(key: str, base_url: str) -> CallRailClient:
        return CallRailClient(key, base_url=base_url, transport=httpx.ASGITransport(app=sim.app))

    settings = fresh_settings(tmp_path, base_url=SIM_URL)
    app = make_app(None, settings, session_factory=on_simulator(demo), client_factory=client_factory)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#setup-key", Input).password

        await type_key(pilot, app, "not-the-key")
        assert "refused" in message(app)
        assert not settings.config_path.exists()

        await type_key(pilot, app, sim.api_key)
        accounts = app.screen.query_one("#setup-accounts", OptionList)
        assert accounts.display and accounts.option_count >= 1
        assert "key works" in message(app)
        assert sim.api_key not in message(app)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedScreen)
        await wait_until_polled(pilot, app)
        assert app.screen.table.row_count > 0
        assert app.session.account_id == sim.account_id

    assert stat.S_IMODE(settings.config_path.stat().st_mode) == 0o600
    saved = load_settings(environ={}, config_path=settings.config_path)
    assert saved.api_key_value == sim.api_key and saved.account_id == sim.account_id
    await app.session.stop()


async def test_unreachable_server_says_so(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    app = make_app(None, fresh_settings(tmp_path, base_url=f"http://127.0.0.1:{port}/v3/"))
    async with app.run_test(size=SIZE) as pilot:
        await type_key(pilot, app, "some-key-123456")
        await wait_for(pilot, lambda: "Could not reach" in message(app), timeout=30)
        assert f"127.0.0.1:{port}" in message(app)


async def test_a_key_from_the_environment_is_checked_at_once(tmp_path: Path, demo) -> None:
    sim = demo.simulator
    settings = fresh_settings(tmp_path, base_url=SIM_URL, api_key=sim.api_key)
    app = make_app(
        None,
        settings,
        client_factory=lambda key, url: CallRailClient(
            key, base_url=url, transport=httpx.ASGITransport(app=sim.app)
        ),
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#setup-accounts", OptionList).option_count >= 1


async def test_an_agency_key_marks_several_accounts_and_watches_them_all(tmp_path: Path, demo) -> None:
    sim = demo.simulator
    agency_key = sim.config.agency_api_key

    settings = fresh_settings(tmp_path, base_url=SIM_URL)
    app = make_app(
        None,
        settings,
        session_factory=on_simulator(demo),
        client_factory=lambda key, url: CallRailClient(
            key, base_url=url, transport=httpx.ASGITransport(app=sim.app)
        ),
    )
    async with app.run_test(size=SIZE) as pilot:
        await type_key(pilot, app, agency_key)
        assert app.screen.query_one("#setup-accounts", OptionList).option_count == 2
        assert "mark several" in message(app)
        await pilot.press("space", "down", "space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedScreen)
        await wait_until_polled(pilot, app)
        assert {lane.account_id for lane in app.session.lanes.all} == {a.id for a in sim.accounts}
        meter = str(app.screen.query_one("#status-meter").render())
        assert all(a.name[:10] in meter for a in sim.accounts), meter

    saved = load_settings(environ={}, config_path=settings.config_path)
    assert set(saved.account_ids) == {a.id for a in sim.accounts} and len(saved.account_ids) == 2
    assert saved.account_id == saved.account_ids[0]
    await app.session.stop()
