"""The process-wide token cache answers only the very credentials that obtained a token."""

import pytest

from executors.clients.errors import PlatformAuthError
from executors.clients.tokens import cached_token, credentials_digest, forget_cached_tokens

URL = "https://ims-na1.adobelogin.com/ims/token/v3"
FORM = {"grant_type": "client_credentials", "client_id": "shared-id", "client_secret": "alice"}


@pytest.fixture(autouse=True)
def _empty_cache():
    forget_cached_tokens()
    yield
    forget_cached_tokens()


def test_a_different_secret_is_never_answered_with_anothers_token():
    assert cached_token(URL, FORM, lambda: ("alice-token", 3600)) == "alice-token"

    token = cached_token(URL, FORM | {"client_secret": "bob"}, lambda: ("bob-token", 3600))

    assert token == "bob-token"


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "alicf"},
        {"client_id": "shared-id2"},
        {"grant_type": "refresh_token"},
        {"scope": "openid"},
    ],
)
def test_every_value_sent_and_the_url_are_part_of_the_key(change):
    assert credentials_digest(URL, FORM) != credentials_digest(URL, FORM | change)
    assert credentials_digest(URL, FORM) != credentials_digest(URL + "?", FORM)


def test_the_key_is_a_full_sha256_digest_that_shows_no_value():
    key = credentials_digest(URL, FORM)

    assert len(key) == 64 and int(key, 16) >= 0
    assert all(value not in key for value in FORM.values())


def test_the_same_credentials_reuse_their_token():
    cached_token(URL, FORM, lambda: ("alice-token", 3600))

    def must_not_fetch():
        raise AssertionError("fetched again")

    assert cached_token(URL, dict(FORM), must_not_fetch) == "alice-token"


def test_credentials_refused_by_the_token_endpoint_leave_nothing_cached():
    def refused():
        raise PlatformAuthError("invalid_client", status=401)

    with pytest.raises(PlatformAuthError):
        cached_token(URL, FORM, refused)

    assert cached_token(URL, FORM, lambda: ("fresh", 3600)) == "fresh"
