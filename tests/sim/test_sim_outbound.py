"""Outbound calls (POST calls.json): validation, the outbound rate bucket, and the call's progress."""

from conftest import client_for


def outbound_body(sim) -> dict:
    tracker = next(iter(sim.account.trackers.values()))
    return {
        "caller_id": tracker.tracking_number,
        "customer_phone_number": "312-555-0188",
        "business_phone_number": "+13125550110",
    }


async def test_outbound_call_starts_in_progress_and_finishes(sim, clock, api):
    agent = next(u for u in sim.account.users.values() if u.role != "admin")
    response = await api.post(
        "calls.json", json=outbound_body(sim) | {"agent_id": agent.id}, params={"fields": "call_type"}
    )
    assert response.status_code == 201
    call = response.json()
    assert call["direction"] == "outbound" and call["call_type"] == "in_progress"
    assert call["answered"] is None and call["duration"] is None and call["recording"] is None
    assert call["customer_phone_number"] == "+13125550188" and call["agent_email"] == agent.email
    clock.advance(30 * 60)
    later = (await api.get(f"calls/{call['id']}.json", params={"fields": "call_type"})).json()
    assert later["call_type"] == "outbound" and later["duration"] > 0
    outbound = (await api.get("calls.json", params={"direction": "outbound"})).json()["calls"]
    assert [c["id"] for c in outbound] == [call["id"]]
    assert [e.kind for e in sim.events if e.id == call["id"]][:2] == ["call_started", "call_ended"]


async def test_outbound_validation(sim, api):
    good = outbound_body(sim)
    for name in good:
        missing = await api.post("calls.json", json={k: v for k, v in good.items() if k != name})
        assert missing.status_code == 400 and name in missing.json()["error"]
    assert (await api.post("calls.json", json=good | {"caller_id": "+19995550100"})).status_code == 400
    assert (await api.post("calls.json", json=good | {"customer_phone_number": "555"})).status_code == 400
    assert (await api.post("calls.json", json=good | {"agent_id": "USRnobody"})).status_code == 400


async def test_outbound_bucket(make_sim):
    sim = make_sim(outbound_hourly_limit=2)
    async with client_for(sim) as api:
        statuses = [(await api.post("calls.json", json=outbound_body(sim))).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
        assert (await api.get("companies.json")).headers["x-rate-limit-hourly-used"] == "3"
    assert [r.bucket for r in sim.request_log if r.method == "POST"] == ["outbound"] * 3
