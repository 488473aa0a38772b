"""Auth, account scoping, errors and the simple resources."""

import httpx
import pytest
from conftest import ROOT, client_for


async def test_both_token_forms_are_accepted(shared_sim, reader):
    for header in (f'Token token="{shared_sim.api_key}"', f"Token token={shared_sim.api_key}"):
        response = await reader.get(f"{ROOT}/a.json", headers={"Authorization": header})
        assert response.status_code == 200
        assert response.json()["accounts"][0]["id"] == shared_sim.account_id


@pytest.mark.parametrize("header", [None, "Bearer sim-key-0001", 'Token token="wrong"', "Token sim-key-0001"])
async def test_bad_or_missing_key_is_401(shared_sim, header):
    headers = {"Authorization": header} if header else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=shared_sim.app), base_url="http://sim.test"
    ) as raw:
        response = await raw.get("/v3/a.json", headers=headers)
    assert response.status_code == 401
    assert "error" in response.json()


async def test_a_key_sees_only_its_account(shared_sim, reader):
    other = shared_sim.accounts[1]
    mine = await reader.get(f"{ROOT}/a.json")
    assert [a["id"] for a in mine.json()["accounts"]] == [shared_sim.account_id]
    assert (await reader.get(f"{ROOT}/a/{other.id}/calls.json")).status_code == 404
    async with client_for(shared_sim, key=shared_sim.config.other_api_key) as theirs:
        listed = await theirs.get(f"{ROOT}/a.json")
        assert [a["id"] for a in listed.json()["accounts"]] == [other.id]
        assert (await theirs.get(f"{ROOT}/a/{other.id}/companies.json")).json()["total_records"] == 1
        assert (await theirs.get(f"{ROOT}/a/{shared_sim.account_id}/companies.json")).status_code == 404


async def test_account_show_and_numeric_id(shared_sim, reader):
    shown = (
        await reader.get(f"{ROOT}/a/{shared_sim.account_id}.json", params={"fields": "numeric_id"})
    ).json()
    assert shown["id"] == shared_sim.account_id and isinstance(shown["numeric_id"], int)
    by_number = await reader.get(f"{ROOT}/a/{shown['numeric_id']}/companies.json")
    assert by_number.status_code == 200


async def test_unknown_route_id_and_method(reader):
    for path in (
        "nothing.json",
        "calls/CALdoesnotexist.json",
        "companies/COMnope.json",
        "text-messages/zzzzz.json",
    ):
        response = await reader.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]
    response = await reader.delete("companies.json")
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed"}


async def test_unknown_query_parameters_are_ignored(reader):
    plain = (await reader.get("companies.json")).json()
    noisy = (await reader.get("companies.json", params={"answered": "true", "color": "blue"})).json()
    assert plain == noisy


async def test_companies_in_four_time_zones(reader):
    body = (await reader.get("companies.json")).json()
    assert set(body) == {"page", "per_page", "total_pages", "total_records", "companies"}
    zones = {company["time_zone"] for company in body["companies"]}
    assert zones == {"America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles"}
    company = body["companies"][0]
    assert company["id"].startswith("COM") and company["status"] == "active"
    assert (await reader.get(f"companies/{company['id']}.json")).json()["name"] == company["name"]
    found = (await reader.get("companies.json", params={"search": "dental"})).json()["companies"]
    assert [c["name"] for c in found] == ["Bay State Dental"]


async def test_trackers_users_and_tags(reader):
    trackers = (await reader.get("trackers.json", params={"per_page": 250})).json()["trackers"]
    sources = {t["name"] for t in trackers}
    assert {"Google Ads", "Google Organic", "Facebook", "Direct", "Bing Ads", "Yelp"} <= sources
    numbers = [n for t in trackers for n in t["tracking_numbers"]]
    assert len(numbers) == len(set(numbers)) and all(n.startswith("+1") and len(n) == 12 for n in numbers)
    tracker = trackers[0]
    assert (await reader.get(f"trackers/{tracker['id']}.json")).json()["company"]["id"] == tracker["company"][
        "id"
    ]
    company_trackers = (
        await reader.get("trackers.json", params={"company_id": tracker["company"]["id"]})
    ).json()
    assert all(t["company"]["id"] == tracker["company"]["id"] for t in company_trackers["trackers"])

    users = (await reader.get("users.json")).json()["users"]
    assert any(u["role"] == "admin" for u in users)
    assert (await reader.get(f"users/{users[0]['id']}.json")).json()["email"] == users[0]["email"]

    tags = (await reader.get("tags.json", params={"sort": "name"})).json()["tags"]
    assert tags and all(isinstance(t["id"], int) for t in tags)
    assert [t["name"].lower() for t in tags] == sorted(t["name"].lower() for t in tags)


async def test_order_without_sort_is_400(reader):
    response = await reader.get("companies.json", params={"order": "desc"})
    assert response.status_code == 400
    assert "sort" in response.json()["error"]
    assert (await reader.get("companies.json", params={"sort": "bogus"})).status_code == 400


async def test_offset_pagination_envelope(reader):
    first = (await reader.get("trackers.json", params={"per_page": 5})).json()
    assert first["page"] == 1 and first["per_page"] == 5 and len(first["trackers"]) == 5
    assert first["total_pages"] == -(-first["total_records"] // 5)
    pages = [
        (await reader.get("trackers.json", params={"per_page": 5, "page": p})).json()
        for p in range(1, first["total_pages"] + 1)
    ]
    ids = [t["id"] for page in pages for t in page["trackers"]]
    assert len(ids) == len(set(ids)) == first["total_records"]
    beyond = (await reader.get("trackers.json", params={"per_page": 5, "page": 99})).json()
    assert beyond["trackers"] == [] and beyond["page"] == 99
    assert (await reader.get("trackers.json", params={"per_page": 1000})).json()["per_page"] == 250
    assert (await reader.get("trackers.json")).json()["per_page"] == 100
    assert (await reader.get("trackers.json", params={"page": "zero"})).status_code == 400


async def test_auth_header_is_case_insensitive_scheme(shared_sim, reader):
    response = await reader.get(
        f"{ROOT}/a.json", headers={"Authorization": f"token token={shared_sim.api_key}"}
    )
    assert response.status_code == 200


async def test_an_agency_key_sees_every_account_each_by_its_own_path(shared_sim):
    main, other = shared_sim.accounts
    async with client_for(shared_sim, key=shared_sim.config.agency_api_key) as agency:
        listed = await agency.get(f"{ROOT}/a.json")
        assert [a["id"] for a in listed.json()["accounts"]] == sorted(
            [main.id, other.id], key=lambda i: next(a.name.lower() for a in shared_sim.accounts if a.id == i)
        )
        theirs = await agency.get(f"{ROOT}/a/{other.id}/companies.json")
        assert [c["id"] for c in theirs.json()["companies"]] == list(other.companies)
        mine = await agency.get(f"{ROOT}/a/{main.id}/companies.json")
        assert {c["id"] for c in mine.json()["companies"]} == set(main.companies)
        assert (await agency.get(f"{ROOT}/a/ACCnotanaccount/companies.json")).status_code == 404
