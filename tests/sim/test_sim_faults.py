"""Fault injection, in-process (httpx.ASGITransport)."""

import asyncio
import json

import pytest
from conftest import client_for

from tui.sim.faults import DroppedConnection


class Sleeps:
    """``asyncio.sleep`` as the fault injector calls it: the real seconds asked for, recorded."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._sleep = asyncio.sleep

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self._sleep(0)


@pytest.fixture
def sleeps(monkeypatch) -> Sleeps:
    recorded = Sleeps()
    monkeypatch.setattr("tui.sim.faults.asyncio.sleep", recorded)
    return recorded


async def test_latency_is_real_time(sim, sleeps):
    sim.faults.latency = 0.2
    async with client_for(sim) as api:
        assert (await api.get("companies.json")).status_code == 200
    assert sleeps.asked == [0.2]


async def test_server_errors_json_or_html_and_not_counted(sim):
    sim.faults.error_rate = 1.0
    async with client_for(sim) as api:
        responses = [await api.get("companies.json") for _ in range(12)]
    assert {r.status_code for r in responses} <= {500, 502, 503} and len(
        {r.status_code for r in responses}
    ) > 1
    for response in responses:
        if response.status_code == 500:
            assert response.json()["error"]
        else:
            assert response.headers["content-type"].startswith("text/html") and b"<html>" in response.content
    assert [r.status for r in sim.request_log] == [r.status_code for r in responses]
    sim.faults.reset()
    async with client_for(sim) as api:
        assert (await api.get("companies.json")).headers["x-rate-limit-hourly-used"] == "1"


async def test_fault_sequence_is_seeded(make_sim):
    runs = []
    for _ in range(2):
        sim = make_sim(seed=3)
        sim.faults.error_rate = 0.5
        async with client_for(sim) as api:
            runs.append([(await api.get("companies.json")).status_code for _ in range(20)])
    assert runs[0] == runs[1] and 200 in runs[0] and set(runs[0]) - {200}


async def test_dropped_connection_raises(sim):
    sim.faults.drop_rate = 1.0
    async with client_for(sim) as api:
        with pytest.raises(ConnectionResetError):
            await api.get("companies.json")
    assert sim.request_log[-1].status == 0


async def test_hang_outlives_the_client_deadline(sim):
    sim.faults.hang_rate = 1.0
    async with client_for(sim) as api:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(api.get("companies.json"), 0.3)


async def test_truncated_body_is_not_json(sim):
    sim.faults.truncate_rate = 1.0
    async with client_for(sim) as api:
        response = await api.get("companies.json")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert int(response.headers["content-length"]) == len(response.content)


async def test_slow_body_arrives_whole(sim, sleeps):
    sim.faults.slow_body = 0.4
    async with client_for(sim) as api:
        response = await api.get("companies.json")
    assert len(sleeps.asked) > 1 and sum(sleeps.asked) == pytest.approx(0.4)
    assert len(response.json()["companies"]) == 4


async def test_burst_of_429_until_sim_time_passes(sim, clock):
    sim.faults.burst_429(120)
    async with client_for(sim) as api:
        refused = await api.get("companies.json")
        assert refused.status_code == 429 and refused.json()["error"]
        clock.advance(60)
        assert (await api.get("calls.json")).status_code == 429
        clock.advance(61)
        accepted = await api.get("companies.json")
    assert accepted.status_code == 200 and accepted.headers["x-rate-limit-hourly-used"] == "1"
    assert [r.status for r in sim.request_log] == [429, 429, 200]


async def test_text_sent_then_connection_dropped(sim):
    sim.faults.drop_after_send = True
    async with client_for(sim) as api:
        listed = await api.get("text-messages.json", params={"per_page": 1})
        conversation = listed.json()["conversations"][0]
        body = {
            "company_id": conversation["company_id"],
            "customer_phone_number": conversation["customer_phone_number"],
            "content": "Did this arrive?",
        }
        with pytest.raises(DroppedConnection):
            await api.post("text-messages.json", json=body)
        shown = (await api.get(f"text-messages/{conversation['id']}.json")).json()
    assert shown["messages"][0]["content"].startswith("Did this arrive?")
    assert sim.request_log[-2].status == 201
