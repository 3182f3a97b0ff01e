"""Admins add ad accounts through the API, up to their organization's `max_accounts`."""

import pytest

from campaigns.models import AdAccount
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def _new_account(client, org, external_id):
    return client.post(
        "/api/v1/accounts/",
        {
            "organization": org.pk,
            "name": f"Account {external_id}",
            "platform": "google_ads",
            "external_id": external_id,
            "api_base_url": "https://googleads.googleapis.com/",
        },
        format="json",
    )


def test_an_admin_adds_accounts_until_the_quota_then_gets_a_clear_refusal(alice):
    alice.org.max_accounts = 2  # alice already has one
    alice.org.save()
    client = client_for(alice.admin)
    created = _new_account(client, alice.org, "111")
    assert created.status_code == 201
    assert created.json()["execution_mode"] == "dry_run"  # never born live
    refused = _new_account(client, alice.org, "222")
    assert refused.status_code == 403
    assert refused.json()["code"] == "quota_exceeded"
    assert refused.json()["quota"] == "max_accounts"
    assert "quota is 2" in refused.json()["message"]
    assert AdAccount.objects.filter(organization=alice.org).count() == 2


def test_an_analyst_cannot_add_accounts(alice):
    response = _new_account(client_for(alice.analyst), alice.org, "333")
    assert response.status_code == 403
    assert not AdAccount.objects.filter(external_id="333").exists()
