"""The Adobe client against the sandbox over real HTTP: auth, headers, errors, retries."""

import pytest
import requests

from executors.clients.adobe import AdobeClient, forget_cached_tokens
from executors.clients.errors import PlatformAuthError, PlatformError
from executors.clients.http import RetryPolicy
from executors.sandbox.server import SandboxServer
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.conftest import START, WINDOW


class CountingSession(requests.Session):
    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def request(self, method, url, *args, **kwargs):
        self.calls.append((method, url))
        return super().request(method, url, *args, **kwargs)


def _client(sandbox, **overrides):
    session = CountingSession()
    client = AdobeClient(
        base_url=sandbox.base_url,
        credentials=SANDBOX_CREDENTIALS | overrides,
        session=session,
        read_retry=RetryPolicy(attempts=3, base=0.01, cap=0.05),
    )
    return client, session


def _token_calls(session):
    return [url for _, url in session.calls if url.endswith("/ims/token/v3")]


def test_it_fetches_one_token_and_reuses_it_until_expiry(sandbox):
    client, session = _client(sandbox)

    list(client.campaigns())
    list(client.ad_groups())
    list(client.audiences())

    assert len(_token_calls(session)) == 1


def test_it_fetches_a_new_token_when_the_old_one_expired():
    forget_cached_tokens()
    with SandboxServer(
        seed=1,
        campaigns=2,
        ad_groups_per_campaign=1,
        audiences=1,
        history_days=3,
        start_date=START,
        token_ttl=61,
    ) as sandbox:
        client, session = _client(sandbox)
        list(client.campaigns())
        # The client refreshes a minute early, so a 61 s token is good for 1 s.
        import time

        time.sleep(1.2)
        list(client.campaigns())
    assert len(_token_calls(session)) == 2


def test_a_wrong_secret_is_an_auth_error_that_says_so(sandbox):
    forget_cached_tokens()
    client, session = _client(sandbox, client_secret="wrong")

    with pytest.raises(PlatformAuthError) as err:
        list(client.campaigns())

    assert err.value.status == 401
    assert "Adobe IMS refused" in str(err.value)
    assert len(_token_calls(session)) == 1, "credentials errors are not retried"


def test_a_wrong_org_is_refused_with_the_platforms_words(sandbox):
    forget_cached_tokens()
    client, _ = _client(sandbox, ims_org_id="SOMEONE-ELSE@AdobeOrg")

    with pytest.raises(PlatformAuthError) as err:
        list(client.campaigns())

    assert err.value.status == 403


def test_a_bad_request_is_not_retried(sandbox):
    client, session = _client(sandbox)

    with pytest.raises(PlatformError) as err:
        list(client.performance(WINDOW[1], WINDOW[0]))  # start after end

    assert err.value.status == 400
    assert not err.value.retryable
    assert len([c for c in session.calls if "reports/performance" in c[1]]) == 1


def test_the_client_never_shows_its_secret():
    client = AdobeClient(base_url="http://127.0.0.1:9/", credentials=SANDBOX_CREDENTIALS)

    assert SANDBOX_CREDENTIALS["client_secret"] not in repr(client)


def test_incomplete_credentials_are_refused_before_any_call():
    with pytest.raises(PlatformAuthError, match="missing client_secret"):
        AdobeClient(
            base_url="http://127.0.0.1:9/", credentials={"client_id": "x", "ims_org_id": "y"}
        )
