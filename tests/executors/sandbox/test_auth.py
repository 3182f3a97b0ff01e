"""Adobe IMS tokens and the four gateway headers, with the exact refusal for each mistake."""

import time

import pytest
import requests

from executors.sandbox import SandboxServer

from .support import SMALL_WORLD, Api

GOOD_FORM = {
    "grant_type": "client_credentials",
    "client_id": "spectra-sandbox",
    "client_secret": "sandbox-secret",
    "scope": "openid,AdobeID",
}


def _token(api: Api, form: dict) -> requests.Response:
    return api.session.post(api.base_url + "/ims/token/v3", data=form)


def test_client_credentials_issue_a_bearer_token_that_opens_the_api(api):
    response = _token(api, GOOD_FORM)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    assert len(body["access_token"]) >= 32
    assert api.get(
        "/campaigns", headers=api.headers(authorization=f"Bearer {body['access_token']}")
    ).ok


def test_every_token_is_different(api):
    assert (
        _token(api, GOOD_FORM).json()["access_token"]
        != _token(api, GOOD_FORM).json()["access_token"]
    )


@pytest.mark.parametrize(
    ("form", "status", "error", "fragment"),
    [
        (
            {**GOOD_FORM, "client_secret": "wrong"},
            401,
            "invalid_client",
            "client_secret is not valid",
        ),
        ({**GOOD_FORM, "client_id": "someone-else"}, 401, "invalid_client", "Unknown client_id"),
        (
            {k: v for k, v in GOOD_FORM.items() if k != "client_secret"},
            401,
            "invalid_client",
            "client_secret is required",
        ),
        (
            {k: v for k, v in GOOD_FORM.items() if k != "grant_type"},
            400,
            "unsupported_grant_type",
            "grant_type",
        ),
        ({**GOOD_FORM, "grant_type": "password"}, 400, "unsupported_grant_type", "'password'"),
    ],
)
def test_a_bad_token_request_is_refused_with_an_oauth_error(api, form, status, error, fragment):
    response = _token(api, form)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error
    assert fragment in body["error_description"]


@pytest.mark.parametrize(
    ("overrides", "status", "code", "message"),
    [
        ({"authorization": None}, 401, "401001", "Authorization header is missing"),
        (
            {"authorization": "Basic abc"},
            401,
            "401002",
            "Authorization header must be 'Bearer <access token>'",
        ),
        ({"authorization": "Bearer not-a-token"}, 401, "401013", "Oauth token is not valid"),
        ({"x_api_key": None}, 403, "403000", "Api Key is required"),
        ({"x_api_key": "another-client"}, 403, "403003", "Api Key is invalid"),
        ({"x_gw_ims_org_id": None}, 403, "403025", "x-gw-ims-org-id header is required"),
        (
            {"x_gw_ims_org_id": "OTHER@AdobeOrg"},
            403,
            "403026",
            "IMS org 'OTHER@AdobeOrg' is not valid for this api key",
        ),
        ({"x_sandbox_name": None}, 403, "403027", "x-sandbox-name header is required"),
        ({"x_sandbox_name": "dev"}, 403, "403028", "Sandbox 'dev' does not exist in this org"),
    ],
)
def test_each_gateway_header_mistake_gets_its_own_status_and_message(
    api, overrides, status, code, message
):
    response = api.get("/campaigns", headers=api.headers(**overrides))
    assert response.status_code == status
    assert response.json() == {"error_code": code, "message": message}


def test_writes_are_refused_without_credentials_and_change_nothing(api):
    response = api.session.patch(
        api.base_url + "/campaign/CMP-0001",
        json={"budget": {"allocated": 1.0, "currency": "INR"}},
        headers=api.headers(authorization="Bearer forged"),
    )
    assert response.status_code == 401
    assert api.control("GET", "/writes").json()["writes"] == []


def test_an_expired_token_is_no_longer_valid():
    with SandboxServer(**SMALL_WORLD, token_ttl=0.3) as sandbox:
        api = Api(sandbox)
        assert api.get("/campaigns").ok
        time.sleep(0.5)
        response = api.get("/campaigns")
        assert response.status_code == 401
        assert response.json() == {
            "error_code": "401013",
            "message": "Oauth token is not valid: the token has expired",
        }


def test_the_control_api_can_expire_every_token_at_once(api):
    assert api.control("POST", "/expire-tokens").json() == {"expired": 1}
    assert api.get("/campaigns").status_code == 401
    api.token = api.sandbox.fetch_token()
    assert api.get("/campaigns").ok


def test_credentials_org_and_sandbox_name_are_world_options():
    options = {
        "client_id": "acme",
        "client_secret": "s3cret",
        "org_id": "ACME@AdobeOrg",
        "sandbox_name": "stage",
    }
    with SandboxServer(**SMALL_WORLD, **options) as sandbox:
        api = Api(sandbox)
        assert api.headers()["x-gw-ims-org-id"] == "ACME@AdobeOrg"
        assert api.get("/campaigns").ok
        assert api.state()["sandboxName"] == "stage"


def test_control_routes_need_no_credentials(api):
    assert api.session.get(api.base_url + "/_sandbox/state").status_code == 200
