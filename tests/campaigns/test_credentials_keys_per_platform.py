"""The credentials service keeps only the keys each platform documents (one table)."""

import pytest

from campaigns.credentials import CREDENTIAL_KEYS, decrypt_credentials, encrypt_credentials
from campaigns.models import AdAccount, Platform
from campaigns.services.accounts import account_set_credentials
from campaigns.services.errors import ServiceError


def _stored(account) -> str:
    return AdAccount.objects.values_list("credentials_ciphertext", flat=True).get(pk=account.pk)


def test_the_service_refuses_a_key_the_platform_does_not_document(alice):
    with pytest.raises(ServiceError, match="ims_url"):
        account_set_credentials(
            account=alice.account,
            actor=alice.admin,
            values={"client_secret": "s", "ims_url": "https://attacker.example/"},
        )
    assert _stored(alice.account) == ""


def test_a_key_stored_before_the_table_existed_is_dropped_on_the_next_update(alice):
    # An ims_url planted earlier must not survive a merge of new values.
    planted = encrypt_credentials({"client_id": "cid", "ims_url": "https://attacker.example/"})
    AdAccount.objects.filter(pk=alice.account.pk).update(credentials_ciphertext=planted)

    account_set_credentials(account=alice.account, actor=alice.admin, values={"client_secret": "s"})

    assert decrypt_credentials(_stored(alice.account)) == {"client_id": "cid", "client_secret": "s"}


def test_every_platform_declares_its_keys():
    assert set(CREDENTIAL_KEYS) == set(Platform.values)
    assert [k.name for k in CREDENTIAL_KEYS[Platform.ADOBE]] == [
        "client_id",
        "client_secret",
        "ims_org_id",
        "sandbox_name",
        "scope",
    ]
    assert [k.name for k in CREDENTIAL_KEYS[Platform.GOOGLE_ADS]] == [
        "developer_token",
        "client_id",
        "client_secret",
        "refresh_token",
        "login_customer_id",
    ]
