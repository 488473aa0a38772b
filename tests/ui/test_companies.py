"""The companies screen: today's counts from what the app holds, no request per company."""

from __future__ import annotations

from textual.widgets import DataTable

from tui.screens.companies import ALL, CompaniesScreen
from tui.screenshots import SIZE, wait_for, wait_until_polled


async def test_companies_show_todays_counts_without_requests(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        requests_before = len(demo.simulator.request_log)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CompaniesScreen)
        table = app.screen.query_one(DataTable)
        session = demo.session
        stats = session.state.company_stats(session.clock.now())

        keys = [row.key.value for row in table.ordered_rows]
        assert keys[0] == ALL
        assert set(keys[1:]) == set(session.companies)
        for company_id, company in session.companies.items():
            assert str(table.get_cell(company_id, "company")) == company.name
            assert str(table.get_cell(company_id, "zone")) == company.time_zone
            counts = stats.get(company_id)
            if counts:
                missed = f"{counts.missed} ({counts.missed / counts.calls:.0%})" if counts.missed else "0"
                assert [str(table.get_cell(company_id, key)) for key in ("calls", "missed", "texts")] == [
                    str(counts.calls),
                    missed,
                    str(counts.texts),
                ]
                bars = str(table.get_cell(company_id, "hours"))
                assert len(bars) == 12 and (bars.strip() != "") == (counts.calls > 0)
        total_calls = sum(s.calls for s in stats.values())
        assert str(table.get_cell(ALL, "calls")) == f"{total_calls:,}" and total_calls > 0
        assert len(demo.simulator.request_log) == requests_before


async def test_companies_update_as_calls_arrive(app, demo) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        before = str(table.get_cell(ALL, "calls"))
        demo.clock.advance(30 * 60)
        app.action_refresh_now()
        await wait_for(pilot, lambda: str(table.get_cell(ALL, "calls")) != before)
