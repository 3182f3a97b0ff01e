"""Every Google Ads call needs a bearer token, the developer token and the manager id."""

import pytest
import requests

from executors.clients.errors import PlatformAuthError
from executors.clients.google_ads import GoogleAdsClient
from tests.executors.google.conftest import api_url, google_headers, make_client

QUERY = {"query": "SELECT campaign.id FROM campaign"}


def _error(response) -> tuple[int, str, dict]:
    error = response.json()["error"]
    code = error["details"][0]["errors"][0]["errorCode"]
    return response.status_code, error["status"], code


def test_a_call_without_a_developer_token_is_refused(sandbox):
    headers = google_headers(sandbox)
    del headers["developer-token"]

    response = requests.post(
        api_url(sandbox, "googleAds:searchStream"), json=QUERY, headers=headers
    )

    assert _error(response) == (
        400,
        "INVALID_ARGUMENT",
        {"requestError": "DEVELOPER_TOKEN_PARAMETER_MISSING"},
    )


def test_a_wrong_developer_token_is_permission_denied(sandbox):
    headers = google_headers(sandbox) | {"developer-token": "someone-elses"}

    response = requests.post(
        api_url(sandbox, "googleAds:searchStream"), json=QUERY, headers=headers
    )

    assert _error(response) == (
        403,
        "PERMISSION_DENIED",
        {"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"},
    )


def test_a_missing_login_customer_id_is_permission_denied_with_googles_hint(sandbox):
    headers = google_headers(sandbox)
    del headers["login-customer-id"]

    response = requests.post(
        api_url(sandbox, "googleAds:searchStream"), json=QUERY, headers=headers
    )

    assert _error(response)[:2] == (403, "PERMISSION_DENIED")
    assert "login-customer-id" in response.json()["error"]["message"]


def test_a_call_without_a_bearer_token_is_unauthenticated(sandbox):
    headers = google_headers(sandbox)
    del headers["Authorization"]

    response = requests.post(
        api_url(sandbox, "googleAds:searchStream"), json=QUERY, headers=headers
    )

    assert _error(response)[:2] == (401, "UNAUTHENTICATED")


def test_another_customer_is_permission_denied(sandbox):
    response = requests.post(
        api_url(sandbox, "googleAds:searchStream", customer="1111111111"),
        json=QUERY,
        headers=google_headers(sandbox),
    )

    assert _error(response) == (
        403,
        "PERMISSION_DENIED",
        {"authorizationError": "USER_PERMISSION_DENIED"},
    )


def test_the_client_sends_the_developer_token_and_the_manager_id(sandbox):
    client, _ = make_client(sandbox, login_customer_id="987-654-3210")

    assert len(list(client.campaigns())) == 6


def test_a_client_with_the_wrong_manager_id_gets_an_auth_error_not_a_retry(sandbox):
    client, session = make_client(sandbox, login_customer_id="1111111111")

    with pytest.raises(PlatformAuthError) as err:
        list(client.campaigns())

    assert (err.value.status, err.value.code) == (403, "authorizationError.USER_PERMISSION_DENIED")
    assert session.count("googleAds:searchStream") == 1


def test_incomplete_credentials_are_refused_before_any_call():
    with pytest.raises(PlatformAuthError, match="missing developer_token"):
        GoogleAdsClient(
            base_url="http://127.0.0.1:9/googleads/",
            customer_id="1234567890",
            credentials={"client_id": "x", "client_secret": "y", "refresh_token": "z"},
        )


def test_the_client_never_shows_its_secrets(sandbox):
    client, _ = make_client(sandbox)
    credentials = sandbox.app.google.config.credentials()

    for secret in ("client_secret", "refresh_token", "developer_token"):
        assert credentials[secret] not in repr(client)
