"""Credentials go in through a password form and never come back out; the mode change is audited."""

import pytest

from campaigns.admin import accounts as account_admin
from campaigns.credentials import decrypt_credentials
from campaigns.models import AdAccount, ExecutionMode, Platform
from campaigns.services.accounts import account_set_credentials
from campaigns.services.errors import ServiceError
from tests.campaigns.admin.conftest import change_url, history_url, messages_of

SECRETS = {
    "client_id": "cid-SECRET-7f3a",
    "client_secret": "csec-SECRET-91bd",
    "ims_org_id": "ims-SECRET-22@AdobeOrg",
    "sandbox_name": "sbx-SECRET-prod",
}


def _account_form(account, **overrides) -> dict:
    data = {
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
    }
    return data | overrides


@pytest.fixture
def account_with_secrets(alice):
    return account_set_credentials(account=alice.account, actor=alice.admin, values=SECRETS)


def _pages(client, account) -> list[bytes]:
    version = account.history.latest("history_date")
    urls = [
        change_url(account),
        history_url(account),
        f"{history_url(account)}{version.history_id}/",
        "/admin/campaigns/adaccount/",
    ]
    responses = [client.get(url) for url in urls]
    assert all(r.status_code == 200 for r in responses)
    return [r.content for r in responses]


@pytest.mark.parametrize("who", ["viewer", "admin"])
def test_no_admin_page_contains_a_secret_or_the_ciphertext(
    client, alice, account_with_secrets, who
):
    client.force_login(getattr(alice, who))

    for content in _pages(client, account_with_secrets):
        for secret in SECRETS.values():
            assert secret.encode() not in content
        assert account_with_secrets.credentials_ciphertext.encode() not in content
        assert account_with_secrets.credentials_ciphertext[:24].encode() not in content


def test_a_superuser_does_not_see_them_either(client, account_with_secrets, superuser):
    client.force_login(superuser)

    for content in _pages(client, account_with_secrets):
        for secret in SECRETS.values():
            assert secret.encode() not in content
        assert account_with_secrets.credentials_ciphertext[:24].encode() not in content


def test_the_page_names_which_credentials_are_set(client, alice, account_with_secrets):
    client.force_login(alice.viewer)

    content = client.get(change_url(account_with_secrets)).content.decode()

    assert "set: client_id, client_secret, ims_org_id, sandbox_name" in content


def test_an_admin_enters_credentials_as_password_fields_that_are_never_prefilled(
    client, alice, account_with_secrets
):
    client.force_login(alice.admin)

    content = client.get(change_url(account_with_secrets)).content.decode()

    assert 'type="password" name="adobe_client_secret"' in content
    assert 'name="adobe_client_secret" value=' not in content
    assert "google_ads_refresh_token" not in content  # only this platform's fields


def test_new_credentials_are_stored_encrypted_and_blank_fields_keep_the_old_ones(
    client, alice, account_with_secrets
):
    client.force_login(alice.admin)

    response = client.post(
        change_url(account_with_secrets),
        _account_form(account_with_secrets, adobe_client_secret="rotated-SECRET"),
    )

    assert response.status_code == 302
    stored = AdAccount.objects.get(pk=account_with_secrets.pk).credentials_ciphertext
    assert "rotated-SECRET" not in stored
    assert decrypt_credentials(stored) == SECRETS | {"client_secret": "rotated-SECRET"}
    last = account_with_secrets.history.latest("history_date")
    assert last.history_user == alice.admin
    assert last.history_change_reason == "Credentials updated (client_secret)"


def test_an_execution_mode_change_needs_a_reason(client, alice):
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.account),
        _account_form(
            alice.account, new_execution_mode=ExecutionMode.LIVE, adobe_client_secret="typed-SECRET"
        ),
    )

    assert response.status_code == 200
    assert "mode_reason" in response.context["adminform"].form.errors
    assert AdAccount.objects.get(pk=alice.account.pk).execution_mode == ExecutionMode.DRY_RUN
    # The form comes back with the error, but without the secret typed into it.
    assert b"typed-SECRET" not in response.content


def test_an_admin_switches_to_live_with_a_reason_recorded_in_history(client, alice):
    client.force_login(alice.admin)

    client.post(
        change_url(alice.account),
        _account_form(
            alice.account, new_execution_mode=ExecutionMode.LIVE, mode_reason="Pilot approved"
        ),
    )

    assert AdAccount.objects.get(pk=alice.account.pk).execution_mode == ExecutionMode.LIVE
    last = alice.account.history.latest("history_date")
    assert last.history_user == alice.admin
    assert last.history_change_reason.endswith(": Pilot approved")


def test_execution_mode_is_read_only_in_the_settings_form(client, alice):
    client.force_login(alice.admin)

    client.post(change_url(alice.account), _account_form(alice.account, execution_mode="live"))

    assert AdAccount.objects.get(pk=alice.account.pk).execution_mode == ExecutionMode.DRY_RUN


def test_an_approver_cannot_edit_the_account_at_all(client, alice):
    client.force_login(alice.approver)

    response = client.post(
        change_url(alice.account),
        _account_form(
            alice.account,
            new_execution_mode=ExecutionMode.LIVE,
            mode_reason="x",
            adobe_client_secret="mine-now",
        ),
    )

    assert response.status_code == 403
    account = AdAccount.objects.get(pk=alice.account.pk)
    assert account.execution_mode == ExecutionMode.DRY_RUN
    assert account.credentials_ciphertext == ""


def test_a_refused_step_undoes_the_whole_form(client, alice, monkeypatch):
    def refuse(**kwargs):
        raise ServiceError("Live mode is frozen this week.")

    monkeypatch.setattr(account_admin, "account_set_execution_mode", refuse)
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.account),
        _account_form(
            alice.account,
            name="Renamed",
            adobe_client_secret="new-SECRET",
            new_execution_mode=ExecutionMode.LIVE,
            mode_reason="Go",
        ),
    )

    assert "Live mode is frozen this week." in messages_of(response)
    account = AdAccount.objects.get(pk=alice.account.pk)
    assert account.name == "alice account"
    assert account.credentials_ciphertext == ""


def test_an_admin_adds_a_google_ads_account_with_its_credentials(client, alice):
    client.force_login(alice.admin)

    response = client.post(
        "/admin/campaigns/adaccount/add/",
        {
            "organization": alice.org.pk,
            "name": "Search",
            "platform": Platform.GOOGLE_ADS,
            "external_id": "123-456-7890",
            "currency": "INR",
            "time_zone": "Asia/Kolkata",
            "api_base_url": "http://127.0.0.1:8765/",
            "autonomy": "manual",
            "is_active": "on",
            "google_ads_developer_token": "dev-SECRET",
            "google_ads_refresh_token": "refresh-SECRET",
            "adobe_client_secret": "ignored-for-google",
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    account = AdAccount.objects.get(name="Search")
    assert account.execution_mode == ExecutionMode.DRY_RUN
    assert decrypt_credentials(account.credentials_ciphertext) == {
        "developer_token": "dev-SECRET",
        "refresh_token": "refresh-SECRET",
    }
    created = account.history.earliest("history_date")
    assert created.history_user == alice.admin


def test_credentials_that_no_longer_decrypt_are_reported_not_hidden(client, alice, settings):
    account_set_credentials(account=alice.account, actor=alice.admin, values=SECRETS)
    settings.SPECTRA_CREDENTIALS_KEY = "tTEW1ldnIJvGuqkf2t0X45R8Q4g_XaJJXLOUxvVTfjU="  # rotated
    client.force_login(alice.viewer)

    content = client.get(change_url(alice.account)).content.decode()

    assert "unreadable with the current key" in content
