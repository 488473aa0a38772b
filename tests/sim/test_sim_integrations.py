"""The integrations API (reference §4.8): list, show, create, update, delete, and their errors."""

import pytest

from tui.sim.webhooks.integrations import WEBHOOK_EVENTS

HOOK = "https://monitor.example.net/hooks/callrail"


def company_id(sim) -> str:
    return next(iter(sim.account.companies))


def webhooks_body(sim, **config) -> dict:
    return {
        "type": "Webhooks",
        "company_id": company_id(sim),
        "config": config or {"pre_call_webhook": [HOOK]},
    }


async def test_create_show_list_update_delete(sim, api):
    created = await api.post("integrations.json", json=webhooks_body(sim))
    assert created.status_code == 201
    body = created.json()
    assert body["type"] == "Webhooks" and body["state"] == "active"
    assert body["config"] == {"pre_call_webhook": [HOOK]}
    assert body["signing_key"] == sim.account.signing_keys[company_id(sim)]
    path = f"integrations/{body['id']}.json"

    shown = (await api.get(path)).json()
    assert "signing_key" not in shown and shown["id"] == body["id"]
    assert (await api.get(path, params={"fields": "signing_key"})).json()["signing_key"] == body[
        "signing_key"
    ]

    listed = (await api.get("integrations.json", params={"company_id": company_id(sim)})).json()
    assert listed["total_records"] == 1 and listed["integrations"][0]["id"] == body["id"]

    replaced = await api.put(path, json={"config": {"post_call_webhook": [HOOK + "/post"]}})
    assert replaced.status_code == 200
    assert replaced.json()["config"] == {"post_call_webhook": [HOOK + "/post"]}
    assert (await api.put(path, json={"state": "disabled"})).json()["state"] == "disabled"
    assert (await api.put(path, json={"state": "active"})).json()["state"] == "active"

    deleted = await api.delete(path)
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await api.get(path)).json()["state"] == "disabled"


async def test_one_of_each_type_per_company(sim, api):
    assert (await api.post("integrations.json", json=webhooks_body(sim))).status_code == 201
    second = await api.post("integrations.json", json=webhooks_body(sim))
    assert second.status_code == 400 and "already" in second.json()["error"]
    custom = {"type": "Custom", "company_id": company_id(sim), "config": {"grab_cookies": ["_ga"]}}
    assert (await api.post("integrations.json", json=custom)).status_code == 201
    assert (await api.post("integrations.json", json=custom)).status_code == 400
    other_company = list(sim.account.companies)[1]
    assert (
        await api.post("integrations.json", json=webhooks_body(sim) | {"company_id": other_company})
    ).status_code == 201


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": None}, "type"),
        ({"company_id": None}, "company_id"),
        ({"config": None}, "config"),
        ({"type": "Zapier"}, "Webhooks and Custom"),
        ({"config": ["not", "an", "object"]}, "object"),
        ({"config": {"pre_call_webhook": "https://one.example"}}, "array"),
        ({"config": {"pre_call_webhook": ["/relative/path"]}}, "absolute"),
        ({"config": {"pre_call_webhook": ["ftp://files.example/hook"]}}, "absolute"),
        ({"config": {"bogus_webhook": [HOOK]}}, "Unknown config key"),
    ],
)
async def test_create_rejects_bad_requests(sim, api, change, message):
    body = {k: v for k, v in (webhooks_body(sim) | change).items() if v is not None}
    response = await api.post("integrations.json", json=body)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not sim.account.integrations


async def test_errors(sim, api):
    assert (await api.get("integrations.json")).status_code == 400
    assert (await api.get("integrations.json", params={"company_id": "COMnope"})).status_code == 404
    unknown_company = webhooks_body(sim) | {"company_id": "COMnope"}
    assert (await api.post("integrations.json", json=unknown_company)).status_code == 404
    assert (await api.get("integrations/999.json")).status_code == 404
    assert (await api.get("integrations/abc.json")).status_code == 404
    assert (await api.put("integrations/999.json", json={"state": "active"})).status_code == 404
    assert (await api.delete("integrations/999.json")).status_code == 404
    path = f"integrations/{(await api.post('integrations.json', json=webhooks_body(sim))).json()['id']}.json"
    assert (await api.put(path, json={})).status_code == 400
    assert (await api.put(path, json={"state": "paused"})).status_code == 400
    bad = await api.put(path, json={"config": {"pre_call_webhook": ["nope"]}})
    assert bad.status_code == 400
    assert (await api.get(path)).json()["config"] == {"pre_call_webhook": [HOOK]}
    assert (await api.patch(path, json={})).status_code == 405
    unauthorised = await api.get("integrations.json", headers={"Authorization": "Token token=nope"})
    assert unauthorised.status_code == 401


async def test_another_accounts_integration_is_not_found(sim, api):
    other = sim.accounts[1]
    other_company = next(iter(other.companies))
    integration = sim.integrations.create(
        other, "Webhooks", other_company, {"pre_call_webhook": [HOOK]}, sim.clock.now()
    )
    assert (await api.get(f"integrations/{integration.id}.json")).status_code == 404


async def test_add_webhook_receiver_covers_every_company_and_event(sim, api):
    keys = sim.add_webhook_receiver(HOOK)
    assert set(keys) == set(sim.account.companies)
    again = sim.add_webhook_receiver(HOOK + "/second")
    assert again == keys
    for company in sim.account.companies:
        listed = (await api.get("integrations.json", params={"company_id": company})).json()["integrations"]
        assert len(listed) == 1
        assert listed[0]["config"] == {event: [HOOK, HOOK + "/second"] for event in WEBHOOK_EVENTS}
    with pytest.raises(ValueError):
        sim.add_webhook_receiver("not a url")
