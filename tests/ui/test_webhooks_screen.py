"""The Webhooks screen: each company's integration, enable and disable ours after a confirmation, other
consumers' URLs untouched; without a public URL it says how to set webhooks up."""

from __future__ import annotations

import httpx
from textual.widgets import DataTable, Static

from tui.app import make_app
from tui.live.webhooks.serve import intake_for_session
from tui.screens.webhooks import NOT_SET_UP, WebhooksScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled
from tui.widgets.modals import ChoicePrompt

PUBLIC = "https://monitor.example.net"
OTHER = "https://crm.example.com/hooks"


def row(app, company_id: str) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(cell) for cell in table.get_row(company_id)]


def urls(sim) -> list[str]:
    return [url for i in sim.account.integrations.values() for us in i.config.values() for url in us]


async def test_enable_and_disable_one_company_after_asking(demo, tmp_path) -> None:
    demo.simulator.add_webhook_receiver(OTHER)
    intake = intake_for_session(demo.session, tmp_path / "hooks", public_url=PUBLIC)
    others = [url for url in urls(demo.simulator)]
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == len(demo.session.companies))
        first = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert row(app, first)[1:] == ["active", "none", "9"]  # every event posts to the other consumer
        assert PUBLIC in str(app.screen.query_one("#webhooks-header", Static).render())

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert urls(demo.simulator) == others

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("enter")
        await wait_for(pilot, lambda: row(app, first)[2] == "9 of 9")
        mine = [url for url in urls(demo.simulator) if url.startswith(PUBLIC)]
        assert len(mine) == 9 and all(f"/webhooks/{first}/" in url for url in mine)
        assert [url for url in urls(demo.simulator) if not url.startswith(PUBLIC)] == others

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        await pilot.press("enter")
        await wait_for(pilot, lambda: row(app, first)[2] == "none")
        assert urls(demo.simulator) == others
        assert demo.session.webhooks.enabled() == {}

        # a forged delivery is refused and counted on screen
        transport = httpx.ASGITransport(app=intake.receiver.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            forged = await client.post(
                f"/webhooks/{first}/pre_call_webhook",
                content=b'{"resource_id": "CAL1"}',
                headers={"Content-Type": "application/json", "Signature": "forged"},
            )
        assert forged.status_code == 401
        deliveries = app.screen.query_one("#webhooks-deliveries", Static)
        await wait_for(pilot, lambda: "1 refused (1 bad signature)" in str(deliveries.render()))
    intake.close()


async def test_without_a_public_url_it_says_how_to_set_them_up(demo) -> None:
    app = make_app(demo.session, demo.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        header = str(app.screen.query_one("#webhooks-header", Static).render())
        assert header.startswith(NOT_SET_UP[:40])
        await pilot.press("e")  # nothing to enable: the key does nothing, and nothing breaks
        assert isinstance(app.screen, WebhooksScreen)
