"""Credentials accept only the keys the account's platform documents, so none can
redirect the token request (and the secret) elsewhere."""

import pytest

from campaigns.credentials import decrypt_credentials
from campaigns.models import AdAccount, Platform
from tests.api.helpers import client_for
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def _post(client, account, values):
    return client.post(
        f"/api/v1/accounts/{account.pk}/credentials/", {"values": values}, format="json"
    )


def _stored(account) -> str:
    return AdAccount.objects.values_list("credentials_ciphertext", flat=True).get(pk=account.pk)


@pytest.mark.parametrize("key", ["ims_url", "token_url", "base_url", "refresh_token"])
def test_an_unknown_adobe_key_is_a_field_error_naming_it(alice, key):
    response = _post(
        client_for(alice.admin),
        alice.account,
        {"client_secret": "s3cr3t", key: "https://attacker.example/ims/token/v3"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]["values"]) == [key]
    assert key in body["message"] and "client_secret" in body["message"]  # names the accepted ones
    assert "attacker.example" not in response.content.decode()
    assert _stored(alice.account) == ""  # nothing was stored, not even the good key


def test_an_unknown_google_ads_key_is_refused(alice):
    account = make_account(alice.org, platform=Platform.GOOGLE_ADS, external_id="123-456-7890")

    response = _post(
        client_for(alice.admin), account, {"refresh_token": "r", "token_url": "https://x.test/"}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]["values"]) == ["token_url"]


@pytest.mark.parametrize(
    ("platform", "values"),
    [
        (
            Platform.ADOBE,
            {
                "client_id": "cid",
                "client_secret": "sec",
                "ims_org_id": "ORG@AdobeOrg",
                "sandbox_name": "prod",
                "scope": "openid,AdobeID",
            },
        ),
        (
            Platform.GOOGLE_ADS,
            {
                "developer_token": "dev",
                "client_id": "cid",
                "client_secret": "sec",
                "refresh_token": "ref",
                "login_customer_id": "9876543210",
            },
        ),
    ],
)
def test_every_documented_key_is_accepted(alice, platform, values):
    account = make_account(alice.org, platform=platform, external_id="123-456-7890")

    response = _post(client_for(alice.admin), account, values)

    assert response.status_code == 200, response.json()
    assert decrypt_credentials(_stored(account)) == values


def test_bob_cannot_probe_alice_account_with_an_unknown_key(alice, bob):
    response = _post(client_for(bob.admin), alice.account, {"ims_url": "https://x.test/"})
    assert response.status_code == 404
