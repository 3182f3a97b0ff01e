"""OAuth refresh-token flow: one token, cached, refreshed when refused."""

import pytest

from executors.clients.errors import PlatformAuthError
from tests.executors.google.conftest import make_client


def test_it_fetches_one_token_and_reuses_it_for_every_call(sandbox):
    client, session = make_client(sandbox)

    list(client.campaigns())
    list(client.ad_groups())
    client.current_budgets(["1"])
    another, another_session = make_client(sandbox)
    list(another.campaigns())

    assert session.count("/oauth2/token") == 1
    assert another_session.count("/oauth2/token") == 0, "the cache is shared in the process"


def test_the_token_request_is_a_refresh_token_grant_with_the_clients_credentials(sandbox):
    client, _ = make_client(sandbox)

    token = client.access_token()

    assert token.startswith("ya29.")
    assert sandbox.app.google.issuer.check(token) is None


def test_a_token_the_platform_no_longer_accepts_is_replaced_once(sandbox):
    client, session = make_client(sandbox)
    list(client.campaigns())
    sandbox.app.google.issuer.expire_all()

    campaigns = list(client.campaigns())

    assert len(campaigns) == 6
    assert session.count("/oauth2/token") == 2
    assert session.count("googleAds:searchStream") == 3  # ok, refused, ok


def test_a_revoked_refresh_token_is_an_auth_error_and_is_not_retried(sandbox):
    client, session = make_client(sandbox, refresh_token="revoked")

    with pytest.raises(PlatformAuthError) as err:
        list(client.campaigns())

    assert err.value.status == 400
    assert err.value.code == "invalid_grant"
    assert "expired or revoked" in str(err.value)
    assert session.count("/oauth2/token") == 1
    assert session.count("googleAds") == 0


def test_a_wrong_client_secret_is_an_auth_error(sandbox):
    client, _ = make_client(sandbox, client_secret="wrong")

    with pytest.raises(PlatformAuthError) as err:
        client.access_token()

    assert (err.value.status, err.value.code) == (401, "invalid_client")
