"""An API root or webhook the URL policy refuses is a 400 in the API's error shape,
naming the field and the reason, and nothing is saved."""

import pytest

from campaigns.models import AdAccount, Organization
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False


def _create(client, org, url):
    return client.post(
        "/api/v1/accounts/",
        {
            "organization": org.pk,
            "name": "New",
            "platform": "google_ads",
            "external_id": "555",
            "api_base_url": url,
        },
        format="json",
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://192.168.0.1/", "private-network address"),
        ("http://[::ffff:127.0.0.1]/", "IPv6 form"),
        ("http://2130706433/", "unusual spelling"),
        ("http://localhost:8765/", "loopback"),
        ("https://googleads.googleapis.com@127.0.0.1/", "user name or password"),
    ],
)
def test_creating_an_account_with_a_refused_api_root_is_a_field_error(alice, url, why):
    response = _create(client_for(alice.admin), alice.org, url)

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert why in body["fields"]["api_base_url"][0]
    assert not AdAccount.objects.filter(external_id="555").exists()


def test_changing_an_account_to_a_refused_api_root_is_a_field_error(alice):
    response = client_for(alice.admin).patch(
        f"/api/v1/accounts/{alice.account.pk}/",
        {"api_base_url": "http://169.254.169.254/latest/"},
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert "link-local" in response.json()["fields"]["api_base_url"][0]
    assert AdAccount.objects.get(pk=alice.account.pk).api_base_url == alice.account.api_base_url


def test_a_webhook_on_an_internal_endpoint_is_a_field_error(alice):
    response = client_for(alice.admin).patch(
        f"/api/v1/organizations/{alice.org.pk}/",
        {"webhook_url": "http://10.0.0.5/admin/reset"},
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert "private-network address" in response.json()["fields"]["webhook_url"][0]
    assert Organization.objects.get(pk=alice.org.pk).webhook_url_ciphertext == ""


def test_an_account_pointed_at_the_other_platforms_api_is_a_field_error(alice):
    # Allowed for some platform, but not this one: Google Ads credentials must never be
    # sent to an Adobe host (or the other way round).
    response = _create(client_for(alice.admin), alice.org, "https://platform.adobe.io/")

    assert response.status_code == 400, response.json()
    assert "api_base_url" in response.json()["fields"]
    assert not AdAccount.objects.filter(external_id="555").exists()


def test_changing_an_adobe_account_to_googles_api_is_a_field_error(alice):
    response = client_for(alice.admin).patch(
        f"/api/v1/accounts/{alice.account.pk}/",
        {"api_base_url": "https://googleads.googleapis.com/"},
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert AdAccount.objects.get(pk=alice.account.pk).api_base_url == alice.account.api_base_url
