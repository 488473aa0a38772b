"""Form submissions on the simulator: read by the poller at a slow pace, announced only when new, kept in
the store across a restart, and the same record whether a poll or a webhook brought it."""

import itertools
import json
from datetime import UTC, datetime, timedelta

from tests.live.conftest import make_env
from tests.live.webhook_rig import make_rig
from tui.live.events import FormsChanged, InboundForm
from tui.live.form_poll import FORMS_EVERY, FORMS_LOOKBACK
from tui.live.sources import Batch
from tui.live.webhooks.events import FORM
from tui.live.webhooks.translate import translate
from tui.sim import SimConfig

# Companies in New York with no calls after hours: 03:00 there expects none.
QUIET_NIGHTS = SimConfig(seed=7, time_zone="America/New_York", after_hours_volume=0.0)


def form_requests(env) -> list:
    return [r for r in env.our_requests() if "form_submissions" in r.path]


async def test_an_hour_of_polls_reads_the_forms_slowly_and_announces_only_the_new_ones(tmp_path):
    env = make_env(tmp_path / "data", config=SimConfig(seed=7, form_volume=4))
    await env.session.start()
    start = env.clock.now()
    try:
        await env.drive(timedelta(hours=1))
    finally:
        await env.session.stop()
    now = env.clock.now()
    sent = {
        f.id: f for f in env.sim.account.form_submissions if start - FORMS_LOOKBACK <= f.submitted_at <= now
    }
    held = env.session.state.forms.by_id
    assert set(held) <= set(sent)
    settled = {i for i, f in sent.items() if f.submitted_at <= now - 2 * FORMS_EVERY}
    before = {i for i, f in sent.items() if f.submitted_at < start}
    assert before and settled - before, "the day has forms from before the start and after it"
    assert settled <= set(held)
    announced = [e.form.id for e in env.events if isinstance(e, InboundForm)]
    assert len(announced) == len(set(announced))
    assert set(announced) == {i for i in held if sent[i].submitted_at >= start}
    assert held[announced[0]].form_data == sent[announced[0]].form_data
    # never more often than every five minutes (the budget's share may space them more): a few requests
    reads = sorted(r.at for r in form_requests(env))
    assert 5 <= len(reads) <= 3600 / FORMS_EVERY.total_seconds() + 1
    assert min(b - a for a, b in itertools.pairwise(reads)) >= FORMS_EVERY


async def test_in_hours_that_expect_no_calls_forms_take_a_sliver_of_the_budget(tmp_path):
    night = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 03:00 in New York
    env = make_env(tmp_path / "data", start=night, config=QUIET_NIGHTS)
    await env.session.start()
    try:
        await env.drive(timedelta(hours=2))
    finally:
        await env.session.stop()
    calls = [r for r in env.our_requests() if r.path.endswith("/calls.json")]
    # the first read catches up on the day, the next is hours away: not one per four-minute poll
    assert len(form_requests(env)) == 1 and len(calls) >= 25


async def test_the_store_shows_the_forms_at_the_next_start_without_announcing_them(tmp_path):
    first = make_env(tmp_path / "data")
    await first.session.start()
    await first.drive(timedelta(minutes=30))
    held = dict(first.session.state.forms.by_id)
    assert held
    await first.session.stop()

    again = make_env(tmp_path / "data", sim=first.sim)
    await again.session.start()
    try:
        recent = {i: f for i, f in held.items() if f.submitted_at >= again.clock.now() - FORMS_LOOKBACK}
        assert recent and again.session.state.forms.by_id == recent
        shown = [f.id for e in again.events if isinstance(e, FormsChanged) for f in e.new]
        assert sorted(shown) == sorted(recent)
        assert not any(isinstance(e, InboundForm) for e in again.events)
        await again.session.poll_once()  # what the store had is not new to the poll either
        assert not any(isinstance(e, InboundForm) for e in again.events)
    finally:
        await again.session.stop()


async def test_a_form_delivery_is_the_record_a_poll_reads_and_a_duplicate_changes_nothing(tmp_path):
    rig = make_rig(tmp_path / "data")
    await rig.session.start()
    await rig.intake.keys.ensure(rig.session.companies)
    await rig.enable_all()
    try:
        events: list = []
        rig.session.subscribe(events.append)
        for _ in range(12):  # two hours, taken in as they come
            await rig.deliver(600)
            await rig.take_in()
        deliveries = [r for r in rig.sim.webhooks.log if r.event == FORM]
        assert deliveries
        held = rig.session.state.forms.by_id
        assert {r.resource_id for r in deliveries} <= set(held)
        announced = {e.form.id for e in events if isinstance(e, InboundForm)}
        assert announced == {r.resource_id for r in deliveries}

        page = await rig.client.list_form_submissions(rig.sim.account_id, date_range="today", per_page=250)
        polled = {f.id: f for f in page.items}
        fields = set(type(page.items[0]).model_fields) - {"milestones", "timeline_url"}
        for delivery in deliveries:
            got, want = held[delivery.resource_id], polled[delivery.resource_id]
            assert got.model_dump(include=fields) == want.model_dump(include=fields)

        events.clear()
        again = translate(FORM, deliveries[0].body, json.loads(deliveries[0].body)["company_id"])
        rig.session.apply(Batch(forms=again.forms))
        assert not any(isinstance(e, FormsChanged | InboundForm) for e in events)
        rig.session.apply(Batch(forms=list(polled.values())))  # the poll adds the formatted fields
        rig.session.apply(Batch(forms=list(polled.values())))
        changes = [e for e in events if isinstance(e, FormsChanged)]
        assert len(changes) == 1 and not any(isinstance(e, InboundForm) for e in events)
    finally:
        await rig.close()
