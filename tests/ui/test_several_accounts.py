"""Watching several accounts: one feed across them, the company column naming the account where two
accounts have a company of the same name, and the meter showing each account's budget."""

from __future__ import annotations

from tui.app import make_app
from tui.screens.companies import CompaniesScreen
from tui.screenshots import wait_for, wait_until_polled


async def test_the_feed_spans_the_accounts_and_names_the_account_where_names_collide(make_scene) -> None:
    built = make_scene(agency=True)
    main, other = built.simulator.accounts
    twin = next(iter(main.companies.values()))
    theirs = next(iter(other.companies.values()))
    theirs.name = twin.name  # two accounts, one company name
    app = make_app(built.session, built.settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until_polled(pilot, app)
        await wait_for(pilot, lambda: set(other.companies) <= set(built.session.companies))
        ctx = app.context
        assert ctx.company_name(theirs.id) == f"{twin.name} ({other.name})"
        assert ctx.company_name(twin.id) == f"{twin.name} ({main.name})"
        unique = next(c for c in main.companies.values() if c.name != twin.name)
        assert ctx.company_name(unique.id) == unique.name

        feed_companies = {call.company_id for call in built.session.state.calls.values()}
        assert feed_companies & set(main.companies) and feed_companies & set(other.companies)

        meter = str(app.screen.query_one("#status-meter").render())
        assert main.name[:12] in meter and other.name[:12] in meter, meter

        app.action_companies()
        await wait_for(
            pilot, lambda: isinstance(app.screen, CompaniesScreen) and app.screen.query("DataTable")
        )
        table = app.screen.query_one("DataTable")
        await wait_for(pilot, lambda: table.row_count == 1 + len(main.companies) + len(other.companies))
        names = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        assert f"{twin.name} ({other.name})" in names
