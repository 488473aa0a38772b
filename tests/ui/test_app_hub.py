"""The app as a hub's viewer (``callrail-tui --hub URL`` with ``CALLRAIL_HUB_TOKEN``): the hub runs on
the simulator over real loopback TCP; the viewer's feed shows the hub's calls, and the new ones as the hub
polls, and the status bar names the hub; a call opens through the hub, which hears what the viewer has
open; the inbox's marks are the team's."""

from __future__ import annotations

from tests.hub.conftest import running_hub, viewing
from tui.app import make_app
from tui.config import load_settings
from tui.live.attention import Attention
from tui.screens.call_detail import CallDetailScreen
from tui.screens.inbox import InboxScreen
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

            call = next(c for c in session.state.calls_newest_first() if c.customer_phone_number)
            app.open_call(call.id)  # through the hub, which reads it once for everyone
            await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
            await wait_for(pilot, lambda: app.screen._detail_loaded, timeout=10)
            assert rig.hub.actions.detail.reads == 1
            await wait_for(pilot, lambda: dict(rig.hub.fanout.presence()[0]).get("open") == f"call:{call.id}")
            await app.action_quit()


async def test_a_colleagues_mark_handled_empties_the_inbox_here_and_says_who(tmp_path) -> None:
    async with running_hub(tmp_path / "hub") as rig:
        settings = load_settings(
            flags={"hub_url": rig.url},
            environ={"CALLRAIL_HUB_TOKEN": rig.token("Sam")},
            config_path=tmp_path / "config.toml",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
        )
        app = make_app(hub_session_from_settings(settings), settings)
        async with (
            viewing(rig.url, rig.token("Dana"), tmp_path / "dana") as (dana, _),
            app.run_test(size=SIZE) as pilot,
        ):
            hub_calls = len(rig.session.state.calls)
            await wait_for(pilot, lambda: app.screen.table.row_count == hub_calls, timeout=10)
            await wait_for(pilot, lambda: len(dana.state.calls) == hub_calls, timeout=10)
            await pilot.press("i")
            await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
            listed = app.screen.listed
            attention = Attention(dana.state, dana.handled)
            attention.rebuild()
            item = next(i for i in attention.items if i.customer_name)
            assert item.slot in {i.slot for i in listed.items}
            dana.handled.mark(item)
            await wait_for(pilot, lambda: item.slot not in {i.slot for i in listed.items}, timeout=10)
            told = [str(n.message) for n in app._notifications]
            assert f"Handled by Dana: {item.customer_name} ({item.reason})" in told
            await pilot.press("h")  # Sam's own mark goes to the hub too, with his name
            await wait_for(pilot, lambda: "Sam" in {by for _, by, _ in rig.session.store.handled_marks()})
            await pilot.press("u")
            await wait_for(pilot, lambda: {by for _, by, _ in rig.session.store.handled_marks()} == {"Dana"})
            await app.action_quit()
