"""The app as a hub's viewer (``callrail-tui --hub URL`` with ``CALLRAIL_HUB_TOKEN``): the hub runs on
the simulator over real loopback TCP; the viewer's feed shows the hub's calls, and the new ones as the hub
polls, and the status bar names the hub."""

from __future__ import annotations

from tests.hub.conftest import running_hub
from tui.app import make_app
from tui.config import load_settings
from tui.screenshots import SIZE, wait_for
from tui.widgets.budget_meter import BudgetMeter
from tui.wiring import hub_session_from_settings


async def test_the_app_watches_a_hub(tmp_path) -> None:
    async with running_hub(tmp_path / "hub") as rig:
        settings = load_settings(
            flags={"hub_url": rig.url},
            environ={"CALLRAIL_HUB_TOKEN": rig.token("Dana")},
            config_path=tmp_path / "config.toml",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
        )
        session = hub_session_from_settings(settings)
        app = make_app(session, settings)
        async with app.run_test(size=SIZE) as pilot:
            hub_calls = len(rig.session.state.calls)
            await wait_for(pilot, lambda: app.screen.table.row_count == hub_calls, timeout=10)
            await wait_for(pilot, lambda: "hub 127.0.0.1" in app.screen.query_one(BudgetMeter).render().plain)
            await rig.poll(minutes=20)
            more = len(rig.session.state.calls)
            assert more > hub_calls
            await wait_for(pilot, lambda: app.screen.table.row_count == more, timeout=10)
            await app.action_quit()
