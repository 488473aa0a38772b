"""Per-account rate limits on the simulated clock, their headers and the request log."""

from conftest import client_for

LIMIT_HEADERS = (
    "x-rate-limit-hourly-allowed",
    "x-rate-limit-hourly-used",
    "x-rate-limit-daily-allowed",
    "x-rate-limit-daily-used",
)


async def test_hourly_limit_gives_429_and_rolls_over(make_sim, clock):
    sim = make_sim(hourly_limit=5, daily_limit=100)
    async with client_for(sim) as api:
        statuses = [(await api.get("companies.json")).status_code for _ in range(7)]
        assert statuses == [200] * 5 + [429] * 2
        refused = await api.get("companies.json")
        assert refused.status_code == 429 and refused.json()["error"]
        assert refused.headers["x-rate-limit-hourly-used"] == "5"
        assert refused.headers["x-rate-limit-hourly-allowed"] == "5"
        clock.advance(3601)
        ok = await api.get("companies.json")
        assert ok.status_code == 200
        assert ok.headers["x-rate-limit-hourly-used"] == "1" and ok.headers["x-rate-limit-daily-used"] == "6"


async def test_headers_count_every_request(sim):
    async with client_for(sim) as api:
        for expected in range(1, 4):
            response = await api.get("calls.json", params={"per_page": 1})
            assert [response.headers[h] for h in LIMIT_HEADERS] == [
                "1000",
                str(expected),
                "10000",
                str(expected),
            ]
        missing = await api.get("calls/CALnope.json")
        assert missing.status_code == 404 and missing.headers["x-rate-limit-hourly-used"] == "4"


async def test_headers_can_be_switched_off(make_sim):
    sim = make_sim(rate_limit_headers=False)
    async with client_for(sim) as api:
        response = await api.get("companies.json")
    assert not any(h in response.headers for h in LIMIT_HEADERS)


async def test_sms_bucket_is_separate_and_sends_count_as_general(make_sim):
    sim = make_sim(sms_hourly_limit=2)
    async with client_for(sim) as api:
        conversation = (await api.get("text-messages.json", params={"per_page": 1})).json()["conversations"][
            0
        ]
        body = {
            "company_id": conversation["company_id"],
            "customer_phone_number": conversation["customer_phone_number"],
            "content": "Hi",
        }
        sends = [await api.post("text-messages.json", json=body) for _ in range(3)]
        assert [r.status_code for r in sends] == [201, 201, 429]
        assert sends[1].headers["x-rate-limit-hourly-allowed"] == "2"
        assert sends[1].headers["x-rate-limit-hourly-used"] == "2"
        general = await api.get("companies.json")
        assert general.status_code == 200 and general.headers["x-rate-limit-hourly-used"] == "4"
    assert [(r.bucket, r.status) for r in sim.request_log if r.method == "POST"] == [
        ("sms", 201),
        ("sms", 201),
        ("sms", 429),
    ]


async def test_limits_are_per_account(make_sim):
    sim = make_sim(hourly_limit=2)
    async with client_for(sim) as mine, client_for(sim, key=sim.config.other_api_key) as theirs:
        assert [(await mine.get("companies.json")).status_code for _ in range(3)] == [200, 200, 429]
        other = f"http://sim.test/v3/a/{sim.accounts[1].id}/companies.json"
        assert (await theirs.get(other)).status_code == 200


async def test_request_log_records_every_request(sim, clock):
    async with client_for(sim) as api:
        await api.get("companies.json")
        await api.get("calls/CALnope.json")
    assert [(r.method, r.status, r.bucket, r.external) for r in sim.request_log] == [
        ("GET", 200, "general", False),
        ("GET", 404, "general", False),
    ]
    assert sim.request_log[0].path == f"/v3/a/{sim.account_id}/companies.json"
    assert sim.request_log[0].at == clock.now()


async def test_external_share_uses_part_of_the_budget(make_sim, clock):
    sim = make_sim(external_share=0.25, hourly_limit=400, daily_limit=9600)
    clock.advance(2 * 3600)
    async with client_for(sim) as api:
        response = await api.get("companies.json")
    external = [r for r in sim.request_log if r.external]
    assert 190 <= len(external) <= 210  # 100 an hour for two hours
    assert all(r.bucket == "general" and r.status == 200 for r in external)
    assert 90 <= int(response.headers["x-rate-limit-hourly-used"]) <= 110


async def test_an_agency_key_spends_each_accounts_own_limits(make_sim):
    sim = make_sim(hourly_limit=2)
    async with client_for(sim, key=sim.config.agency_api_key) as agency:
        main = f"http://sim.test/v3/a/{sim.account_id}/companies.json"
        other = f"http://sim.test/v3/a/{sim.accounts[1].id}/companies.json"
        assert [(await agency.get(main)).status_code for _ in range(3)] == [200, 200, 429]
        assert [(await agency.get(other)).status_code for _ in range(2)] == [200, 200]
