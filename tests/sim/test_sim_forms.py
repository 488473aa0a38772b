"""Form submissions (reference §4.9): seeded apart from calls and texts, listed newest first."""

from datetime import datetime, timedelta

from conftest import START

from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock


async def test_list_is_newest_first_with_form_fields(reader, shared_sim):
    body = (await reader.get("form_submissions.json", params={"per_page": 250})).json()
    forms = body["form_submissions"]
    assert body["total_records"] == len(forms) > 10
    times = [datetime.fromisoformat(f["submitted_at"]) for f in forms]
    assert times == sorted(times, reverse=True)
    form = forms[0]
    assert form["id"].startswith("FRM") and form["company_id"] in shared_sim.account.companies
    assert {"name", "email", "phone", "message"} <= set(form["form_data"])
    assert form["customer_email"] == form["form_data"]["email"]
    assert form["form_url"].endswith("/contact") and isinstance(form["first_form"], bool)
    assert "timeline_url" not in form and "milestones" not in form
    extra = (await reader.get("form_submissions.json", params={"fields": "timeline_url,milestones"})).json()
    assert extra["form_submissions"][0]["timeline_url"].startswith("https://app.callrail.com/")


async def test_filters(reader, shared_sim):
    company = next(iter(shared_sim.account.companies))
    by_company = (await reader.get("form_submissions.json", params={"company_id": company})).json()
    assert by_company["total_records"] > 0
    assert {f["company_id"] for f in by_company["form_submissions"]} == {company}
    today = (await reader.get("form_submissions.json", params={"date_range": "today"})).json()
    everything = (await reader.get("form_submissions.json")).json()
    assert today["total_records"] < everything["total_records"]
    bad = await reader.get("form_submissions.json", params={"date_range": "someday"})
    assert bad.status_code == 400
    assert (await reader.get("form_submissions.json", params={"sort": "nope"})).status_code == 400


def test_forms_leave_calls_and_texts_as_they_were():
    def world(volume: float):
        clock = ManualClock(START)
        sim = Simulator(SimConfig(form_volume=volume), clock=clock)
        clock.advance(6 * 3600)
        sim.advance()
        calls = [(c.id, c.started_at, c.customer.phone, c.outcome) for c in sim.account.calls]
        texts = sorted((k, len(c.messages)) for k, c in sim.account.conversations.items())
        kinds = [e for e in sim.events if e.kind != "form_submitted"]
        return calls, texts, kinds, len(sim.account.form_submissions)

    with_forms, without = world(1.0), world(0.0)
    assert with_forms[:3] == without[:3]
    assert with_forms[3] > 0 and without[3] == 0


def test_forms_arrive_as_the_day_goes():
    clock = ManualClock(START)
    sim = Simulator(SimConfig(), clock=clock)
    before = {a.id: len(a.form_submissions) for a in sim.accounts}
    clock.advance(8 * 3600)
    sim.advance()
    new = [f for a in sim.accounts for f in a.form_submissions[before[a.id] :]]
    assert new and all(START <= f.submitted_at <= START + timedelta(hours=8) for f in new)
    assert {e.id for e in sim.events if e.kind == "form_submitted"} == {f.id for f in new}
