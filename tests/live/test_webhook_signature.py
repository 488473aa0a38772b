"""The ``Signature`` recipe (reference §6.3) against its test vector and, independently, the simulator's."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.live.webhook_rig import START
from tui.live.webhooks.signature import MAX_AGE, MAX_AHEAD, fresh, masked, signature, verified
from tui.sim.webhooks import signature as sim_signature

VECTOR_KEY = "sim-test-signing-key-0001"
VECTOR_BODY = b'{"resource_id":"CALaaaa1111bbbb2222cccc3333dddd4444","answered":true,"duration":42,"call_type":"answered"}'  # noqa: E501


def test_the_reference_vector():
    assert signature(VECTOR_KEY, VECTOR_BODY) == "BK3oGqGdjxZCuc4O9fG4RQ0mMbU="
    assert verified(VECTOR_KEY, VECTOR_BODY, " BK3oGqGdjxZCuc4O9fG4RQ0mMbU=\n")


def test_one_changed_byte_key_or_missing_header_fails():
    assert not verified(VECTOR_KEY, VECTOR_BODY.replace(b"42", b"43"), "BK3oGqGdjxZCuc4O9fG4RQ0mMbU=")
    assert not verified(VECTOR_KEY + "x", VECTOR_BODY, "BK3oGqGdjxZCuc4O9fG4RQ0mMbU=")
    assert not verified(VECTOR_KEY, VECTOR_BODY, None)
    assert not verified(VECTOR_KEY, VECTOR_BODY, "")
    assert not verified(VECTOR_KEY, VECTOR_BODY, "é∑ not base64")


@given(key=st.text(min_size=1, max_size=64), body=st.binary(max_size=2000))
def test_agrees_with_the_simulator(key, body):
    assert signature(key, body) == sim_signature.sign(key, body)
    assert verified(key, body, sim_signature.sign(key, body))


def test_the_window_against_replays_is_tolerant_of_no_timestamp():
    assert fresh(None, START)
    assert fresh(START - MAX_AGE, START) and fresh(START + MAX_AHEAD, START)
    assert not fresh(START - MAX_AGE - timedelta(seconds=1), START)
    assert not fresh(START + MAX_AHEAD + timedelta(seconds=1), START)


def test_masked_shows_a_prefix_and_the_length_only():
    assert masked("abcdef0123456789") == "abcd…(16)"
    assert masked(None) == masked("") == "(none)"
