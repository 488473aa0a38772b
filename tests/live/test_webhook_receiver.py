"""The receiver in process: what it keeps, what it turns away (always a 4xx, counted, nothing kept)."""

import json
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.live.webhook_rig import START
from tui.live.webhooks.inbox import MEMORY, Inbox
from tui.live.webhooks.keys import SigningKeys
from tui.live.webhooks.receiver import WebhookReceiver
from tui.live.webhooks.signature import signature
from tui.live.webhooks.stats import Outcome
from tui.sim.clock import ManualClock

COMPANY, OTHER = "COMaaaa", "COMbbbb"
KEY = "company-a-signing-key"
URL = f"http://hooks.test/webhooks/{COMPANY}/post_call_webhook"


def body_for(**fields) -> bytes:
    payload = {
        "resource_id": "CAL1",
        "company_resource_id": COMPANY,
        "answered": True,
        "timestamp": START.isoformat(),
    } | fields
    return json.dumps(payload, separators=(",", ":")).encode()


class Rig:
    def __init__(self, fetched: dict[str, str] | None = None) -> None:
        self.clock = ManualClock(START)
        self.inbox = Inbox(MEMORY)
        self.fetches: list[str] = []
        self.callrail_keys = dict(fetched or {})

        async def fetch(company_id: str) -> str | None:
            self.fetches.append(company_id)
            return self.callrail_keys.get(company_id)

        self.keys = SigningKeys(self.inbox, self.clock, fetch, lambda: {COMPANY, OTHER})
        self.woken = 0
        self.receiver = WebhookReceiver(self.inbox, self.keys, self.clock, self._woken, max_body=4096)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.receiver.app))

    def _woken(self) -> None:
        self.woken += 1

    async def post(self, body: bytes, key: str | None = KEY, url: str = URL, **headers) -> httpx.Response:
        sent = {"Content-Type": "application/json"} | headers
        if key is not None:
            sent["Signature"] = signature(key, body)
        return await self.client.post(url, content=body, headers=sent)


@pytest.fixture
def rig() -> Rig:
    built = Rig()
    built.keys.put(COMPANY, KEY)
    return built


async def test_a_signed_delivery_is_kept_before_the_answer_and_wakes_the_source(rig):
    body = body_for()
    response = await rig.post(body)
    assert response.status_code == 200
    [kept] = rig.inbox.pending()
    assert (kept.company_id, kept.event, kept.body) == (COMPANY, "post_call_webhook", body)
    assert rig.woken == 1 and rig.receiver.stats.counts == {Outcome.ACCEPTED: 1}


async def test_the_same_delivery_twice_is_kept_once(rig):
    body = body_for()
    assert (await rig.post(body)).status_code == 200
    assert (await rig.post(body)).status_code == 200
    assert len(rig.inbox.pending()) == 1 and rig.woken == 1
    assert rig.receiver.stats.counts[Outcome.DUPLICATE] == 1


async def test_an_event_read_from_the_body_when_the_url_does_not_name_it(rig):
    response = await rig.post(body_for(), url=f"http://hooks.test/webhooks/{COMPANY}")
    assert response.status_code == 200 and rig.inbox.pending()[0].event == ""


async def test_one_url_for_every_company_finds_the_company_by_its_key(rig):
    rig.keys.put(OTHER, "company-b-key")
    shared = "http://hooks.test/webhooks"
    other_body = body_for(company_resource_id=OTHER)
    assert (await rig.post(other_body, key="company-b-key", url=shared)).status_code == 200
    assert (await rig.post(body_for(), url=shared)).status_code == 200
    assert [(d.company_id, d.event) for d in rig.inbox.pending()] == [(OTHER, ""), (COMPANY, "")]
    assert (await rig.post(body_for(answered=False), key="forged", url=shared)).status_code == 401
    # signed with one company's key, naming another
    assert (await rig.post(other_body.replace(b"CAL1", b"CAL2"), url=shared)).status_code == 400
    assert rig.fetches == []  # nothing to re-read a key for
    assert len(rig.inbox.pending()) == 2


async def test_no_timestamp_is_accepted_the_signature_is_the_guard(rig):
    payload = json.loads(body_for())
    del payload["timestamp"]
    assert (await rig.post(json.dumps(payload).encode())).status_code == 200


def stale() -> bytes:
    return body_for(timestamp=(START - timedelta(minutes=16)).isoformat())


def ahead() -> bytes:
    return body_for(timestamp=(START + timedelta(minutes=6)).isoformat())


REFUSALS = {
    "unknown event": (dict(url=f"http://hooks.test/webhooks/{COMPANY}/nope"), Outcome.UNKNOWN_EVENT, 404),
    "not our path": (dict(url="http://hooks.test/other"), Outcome.NOT_FOUND, 404),
    "unknown company": (
        dict(url="http://hooks.test/webhooks/COMzzzz/post_call_webhook"),
        Outcome.UNKNOWN_COMPANY,
        404,
    ),
    "odd company id": (
        dict(url="http://hooks.test/webhooks/%3Cscript%3E/post_call_webhook"),
        Outcome.UNKNOWN_COMPANY,
        404,
    ),
    "forged": (dict(key="not-the-key"), Outcome.BAD_SIGNATURE, 401),
    "unsigned": (dict(key=None), Outcome.BAD_SIGNATURE, 401),
    "form encoded": (dict(**{"Content-Type": "application/x-www-form-urlencoded"}), Outcome.MEDIA_TYPE, 415),
    "no content type": (dict(**{"Content-Type": ""}), Outcome.MEDIA_TYPE, 415),
    "not json": (dict(body=b"resource_id=CAL1"), Outcome.MALFORMED, 400),
    "a list": (dict(body=b"[1, 2]"), Outcome.MALFORMED, 400),
    "deep": (dict(body=b"[" * 100_000), Outcome.TOO_LARGE, 413),
    "nested deep": (dict(body=b"[" * 4000), Outcome.MALFORMED, 400),
    "another company's": (dict(body=body_for(company_resource_id=OTHER)), Outcome.MALFORMED, 400),
    "stale": (dict(body=stale()), Outcome.STALE, 400),
    "from the future": (dict(body=ahead()), Outcome.STALE, 400),
    "oversized": (dict(body=body_for(transcription="x" * 5000)), Outcome.TOO_LARGE, 413),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
async def test_bad_requests_get_a_4xx_are_counted_and_change_nothing(rig, case):
    options, outcome, status = REFUSALS[case]
    options = dict(options)
    body = options.pop("body", body_for())
    response = await rig.post(body, **options)
    assert response.status_code == status
    assert rig.inbox.pending() == [] and rig.woken == 0
    assert rig.receiver.stats.counts == {outcome: 1} and rig.receiver.stats.last_rejected is outcome


async def test_other_methods_get_405(rig):
    response = await rig.client.get(URL)
    assert response.status_code == 405 and rig.receiver.stats.counts == {Outcome.METHOD: 1}


async def test_a_body_longer_than_declared_cap_streamed_is_refused(rig):
    async def chunks():
        for _ in range(10):
            yield b"x" * 1000

    response = await rig.client.post(URL, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and rig.inbox.pending() == []


async def test_a_changed_key_is_fetched_again_at_most_once_a_minute():
    rig = Rig(fetched={COMPANY: "rotated-key"})
    rig.keys.put(COMPANY, KEY)
    assert (await rig.post(body_for(), key="rotated-key")).status_code == 200
    assert rig.fetches == [COMPANY] and rig.keys.get(COMPANY) == "rotated-key"
    assert (await rig.post(body_for(answered=False), key="forged")).status_code == 401
    assert (await rig.post(body_for(answered=None), key="forged")).status_code == 401
    assert rig.fetches == [COMPANY]  # not again within the minute
    rig.clock.advance(61)
    assert (
        await rig.post(body_for(answered=None, timestamp=rig.clock.now().isoformat()), key="forged")
    ).status_code == 401
    assert rig.fetches == [COMPANY, COMPANY]


async def test_a_company_without_a_key_gets_its_key_on_its_first_delivery():
    rig = Rig(fetched={COMPANY: KEY})
    assert (await rig.post(body_for())).status_code == 200
    assert rig.fetches == [COMPANY]


async def test_a_stranger_company_never_costs_a_request():
    rig = Rig()
    url = "http://hooks.test/webhooks/COMstranger/post_call_webhook"
    assert (await rig.post(body_for(company_resource_id="COMstranger"), url=url)).status_code == 404
    assert rig.fetches == []


async def test_the_key_and_the_signature_never_reach_the_log(rig, caplog):
    caplog.set_level("DEBUG")
    await rig.post(body_for(), key="forged-key-value")
    forged = signature("forged-key-value", body_for())
    assert "bad_signature" in caplog.text
    assert KEY not in caplog.text and forged not in caplog.text


methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
segments = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#%"), max_size=12
)
paths = st.lists(segments, max_size=4).map(lambda parts: "/".join(["", *parts]))
header_values = st.text(st.characters(codec="latin-1", exclude_categories=("Cc",)), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=methods,
    path=st.one_of(paths, st.just(f"/webhooks/{COMPANY}/post_call_webhook"), st.just(f"/webhooks/{COMPANY}")),
    content_type=st.one_of(st.just("application/json"), header_values),
    sign=st.booleans(),
    body=st.one_of(
        st.binary(max_size=300),
        st.just(body_for()),
        st.builds(
            lambda extra: json.dumps({"company_resource_id": COMPANY, "timestamp": extra}).encode(),
            header_values,
        ),
    ),
    signature_header=header_values,
)
async def test_any_request_gets_an_answer_below_500(
    rig, method, path, content_type, sign, body, signature_header
):
    kept = len(rig.inbox.pending())
    sent = signature(KEY, body) if sign else signature_header
    headers = {"Content-Type": content_type.encode("latin-1"), "Signature": sent.encode("latin-1")}
    response = await rig.client.request(method, f"http://hooks.test{path}", content=body, headers=headers)
    assert response.status_code < 500
    if not sign:
        assert len(rig.inbox.pending()) == kept
