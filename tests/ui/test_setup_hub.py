"""Setup's other way in: a team hub's address and a viewer token, checked against a hub (on the simulator,
over loopback TCP), saved 0600, and the feed shows the hub's calls."""

from __future__ import annotations

import stat

from textual.widgets import Input, Static

from tests.hub.conftest import running_hub
from tests.ui.test_setup import fresh_settings
from tui.app import make_app
from tui.config import load_settings
from tui.screens.feed import FeedScreen
from tui.screens.hub_setup import HubSetup
from tui.screens.setup import SetupScreen
from tui.screenshots import SIZE, wait_for


async def enter(pilot, app, url: str, token: str) -> None:
    app.screen.query_one("#hub-url", Input).value = url
    field = app.screen.query_one("#hub-token", Input)
    field.value = token
    field.focus()
    await pilot.press("enter")


async def test_a_team_hub_instead_of_a_key(tmp_path) -> None:
    async with running_hub(tmp_path / "hub") as rig:
        settings = fresh_settings(tmp_path)
        app = make_app(None, settings)
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, SetupScreen)
            await pilot.click("#setup-hub")
            await wait_for(pilot, lambda: isinstance(app.screen, HubSetup))
            await enter(pilot, app, rig.url, "crh_wrong")
            error = app.screen.query_one(".prompt-error", Static)
            await wait_for(pilot, lambda: "refused" in str(error.render()))
            assert not settings.config_path.exists()

            token = rig.token("Dana")
            await enter(pilot, app, rig.url, token)
            await wait_for(pilot, lambda: isinstance(app.screen, FeedScreen))
            hub_calls = len(rig.session.state.calls)
            await wait_for(pilot, lambda: app.screen.table.row_count == hub_calls, timeout=10)
            await app.action_quit()
        assert stat.S_IMODE(settings.config_path.stat().st_mode) == 0o600
        saved = load_settings(config_path=settings.config_path, environ={})
        assert saved.hub_url == rig.url and saved.hub_token.get_secret_value() == token
