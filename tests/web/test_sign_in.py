"""The sign-in token works once; a session lasts its hours and then is gone."""

from tests.web.serving import Clock
from tui.web.sign_in import SignIn


def test_the_token_works_once_and_opens_a_session_that_is_not_the_token() -> None:
    sign_in = SignIn()
    session_id = sign_in.exchange(sign_in.token)
    assert session_id and session_id != sign_in.token and sign_in.signed_in(session_id)
    assert sign_in.exchange(sign_in.token) is None


def test_a_wrong_token_opens_nothing_and_does_not_spend_the_right_one() -> None:
    sign_in = SignIn()
    assert sign_in.exchange("wrong") is None and sign_in.exchange("") is None
    assert not sign_in.signed_in(None) and not sign_in.signed_in("made-up")
    assert sign_in.exchange(sign_in.token) is not None


def test_a_session_expires() -> None:
    clock = Clock()
    sign_in = SignIn(session_seconds=60, clock=clock)
    session_id = sign_in.exchange(sign_in.token)
    clock.now += 59
    assert sign_in.signed_in(session_id)
    clock.now += 1
    assert not sign_in.signed_in(session_id)
