"""Platform credentials: encrypted at rest, never shown, never in history, never logged."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from campaigns.credentials import (
    CredentialsUnreadable,
    credential_names,
    decrypt_credentials,
    encrypt_credentials,
)
from campaigns.models import AdAccount
from campaigns.services.accounts import account_set_credentials

SECRET = "s3cr3t-CLIENT-value-9f8e7d"
TOKEN = "ORG-value-0a1b2c@AdobeOrg"
# alice's account is an Adobe one: only Adobe's credential names are accepted.
VALUES = {"client_id": "spectra-client", "client_secret": SECRET, "ims_org_id": TOKEN}


def _stored(account) -> str:
    return AdAccount.objects.values_list("credentials_ciphertext", flat=True).get(pk=account.pk)


def test_credentials_round_trip_through_the_service(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    assert decrypt_credentials(_stored(alice.account)) == VALUES
    assert AdAccount.objects.get(pk=alice.account.pk).has_credentials


def test_the_stored_ciphertext_does_not_contain_the_secrets(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    stored = _stored(alice.account)
    assert stored
    for value in VALUES.values():
        assert value not in stored
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials_ciphertext FROM campaigns_adaccount WHERE id = %s",
            [alice.account.pk],
        )
        (raw,) = cursor.fetchone()
    assert SECRET not in raw and TOKEN not in raw


def test_blank_values_keep_what_is_stored_and_new_names_are_added(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    account_set_credentials(
        account=alice.account,
        actor=alice.admin,
        values={"client_secret": "", "sandbox_name": "new-sandbox"},
    )
    assert decrypt_credentials(_stored(alice.account)) == VALUES | {"sandbox_name": "new-sandbox"}


def test_replacing_without_merge_drops_the_old_names(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    account_set_credentials(
        account=alice.account, actor=alice.admin, values={"scope": "k"}, merge=False
    )
    assert decrypt_credentials(_stored(alice.account)) == {"scope": "k"}


def test_the_history_table_has_no_credentials_column(alice):
    historical = AdAccount.history.model
    assert "credentials_ciphertext" not in {f.name for f in historical._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, historical._meta.db_table
            )
        }
    assert columns, "the historical table should exist"
    assert not any("credential" in c for c in columns)


def test_history_names_what_changed_but_never_a_value(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    rows = list(alice.account.history.values())
    assert rows
    assert alice.account.history.latest().history_change_reason == (
        "Credentials updated (client_id, client_secret, ims_org_id)"
    )
    for row in rows:
        for value in VALUES.values():
            assert value not in repr(row)


def test_an_account_never_shows_its_credentials(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    account = AdAccount.objects.get(pk=alice.account.pk)
    for shown in (str(account), repr(account)):
        assert SECRET not in shown and TOKEN not in shown
        assert account.credentials_ciphertext not in shown


def test_credential_names_lists_names_only(alice):
    account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    names = credential_names(_stored(alice.account))
    assert names == ["client_id", "client_secret", "ims_org_id"]
    assert SECRET not in repr(names) and TOKEN not in repr(names)
    assert credential_names("") == []


def test_a_different_key_cannot_read_them_and_says_what_to_do():
    with override_settings(SPECTRA_CREDENTIALS_KEY=Fernet.generate_key().decode()):
        ciphertext = encrypt_credentials(VALUES)
    with override_settings(SPECTRA_CREDENTIALS_KEY=Fernet.generate_key().decode()):
        with pytest.raises(
            CredentialsUnreadable, match="cannot be decrypted with the current key; re-enter them"
        ):
            decrypt_credentials(ciphertext)
        assert credential_names(ciphertext) == []


def test_damaged_ciphertext_is_unreadable_not_a_crash():
    with pytest.raises(CredentialsUnreadable):
        decrypt_credentials(encrypt_credentials(VALUES)[:-8] + "AAAAAAAA")


def test_a_credentials_key_that_is_not_a_fernet_key_fails_loudly():
    with (
        override_settings(SPECTRA_CREDENTIALS_KEY="not-a-fernet-key"),
        pytest.raises(ImproperlyConfigured, match="must be a Fernet key"),
    ):
        encrypt_credentials(VALUES)


def test_after_a_key_change_a_person_can_re_enter_the_credentials(alice):
    # The refusal above tells the person to re-enter them; the admin does that
    # with the default (merging) call, which must not trip over the old ciphertext.
    with override_settings(SPECTRA_CREDENTIALS_KEY=Fernet.generate_key().decode()):
        account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
    new_key = Fernet.generate_key().decode()
    with override_settings(SPECTRA_CREDENTIALS_KEY=new_key):
        account_set_credentials(account=alice.account, actor=alice.admin, values=VALUES)
        assert decrypt_credentials(_stored(alice.account)) == VALUES


def test_production_never_derives_a_credentials_key_from_the_secret_key():
    with (
        override_settings(PRODUCTION=True, SPECTRA_CREDENTIALS_KEY=""),
        pytest.raises(ImproperlyConfigured, match="SPECTRA_CREDENTIALS_KEY must be set"),
    ):
        encrypt_credentials(VALUES)
