"""An API root or webhook the URL policy refuses is a form error on the admin page, with
the reason, and nothing is saved (never a 500)."""

import pytest

from campaigns.credentials import organization_webhook_url
from campaigns.models import AdAccount, Organization
from tests.campaigns.admin.conftest import change_url


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False


def _account_form(account, **overrides) -> dict:
    return {
        "name": account.name,
        "external_id": account.external_id,
        "currency": account.currency,
        "time_zone": account.time_zone,
        "api_base_url": account.api_base_url,
        "autonomy": account.autonomy,
        "is_active": "on",
        "reason": "",
        "new_execution_mode": "",
        "mode_reason": "",
    } | overrides


def _org_form(org, **overrides) -> dict:
    return {"name": org.name, "slug": org.slug, "new_webhook_url": ""} | overrides


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://127.0.0.1:8765/", "loopback"),
        ("https://platform.adobe.io@10.0.0.1/", "user name or password"),
        ("https://googleads.googleapis.com/", "not one of the hosts allowed for Adobe"),
    ],
)
def test_an_account_api_root_the_policy_refuses_is_a_form_error(client, alice, url, why):
    client.force_login(alice.admin)
    before = AdAccount.objects.get(pk=alice.account.pk).api_base_url

    response = client.post(
        change_url(alice.account), _account_form(alice.account, api_base_url=url)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["api_base_url"]
    assert why in errors["api_base_url"][0]
    assert AdAccount.objects.get(pk=alice.account.pk).api_base_url == before


def test_an_account_api_root_on_its_platforms_host_is_saved(client, alice):
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.account),
        _account_form(alice.account, api_base_url="https://platform.adobe.io/"),
    )

    assert response.status_code == 302
    assert AdAccount.objects.get(pk=alice.account.pk).api_base_url == "https://platform.adobe.io/"


def test_a_webhook_on_the_private_network_is_a_form_error(client, alice):
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.org), _org_form(alice.org, new_webhook_url="http://10.0.0.5/reset")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "private-network address" in errors["new_webhook_url"][0]
    assert Organization.objects.get(pk=alice.org.pk).webhook_url_ciphertext == ""


def test_a_slack_webhook_is_saved(client, alice):
    client.force_login(alice.admin)
    url = "https://hooks.slack.com/services/T0/B0/secret"

    response = client.post(change_url(alice.org), _org_form(alice.org, new_webhook_url=url))

    assert response.status_code == 302
    assert organization_webhook_url(Organization.objects.get(pk=alice.org.pk)) == url
