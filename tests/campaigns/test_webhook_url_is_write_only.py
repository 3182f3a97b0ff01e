"""An organization's webhook URL is a secret (Slack and Teams keep theirs in the path):
stored encrypted, shown masked to its host everywhere, replaced not read, never in history."""

import logging

import pytest
from django.db import connection

from campaigns.credentials import organization_webhook_url
from campaigns.models import Organization
from campaigns.services.admin_support import organization_set_webhook
from tests.api.helpers import client_for
from tests.campaigns.admin.conftest import change_url, history_url

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.slack.com/services/T000/B000/XXXX-hook-SECRET-path"
SECRET_PART = "XXXX-hook-SECRET-path"


@pytest.fixture
def hooked(alice):
    return organization_set_webhook(organization=alice.org, actor=alice.admin, url=HOOK)


def _row(org) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM campaigns_organization WHERE id = %s", [org.pk])
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_it_is_stored_encrypted_and_the_sender_reads_it_back(hooked):
    row = _row(hooked)
    assert "webhook_url" not in row
    assert SECRET_PART not in str(row)
    assert organization_webhook_url(Organization.objects.get(pk=hooked.pk)) == HOOK


def test_history_records_that_it_changed_never_the_value(hooked, alice):
    last = hooked.history.latest("history_date")
    assert last.history_user == alice.admin
    assert last.history_change_reason == "Webhook URL replaced (https://hooks.slack.com/…)"
    historical = {f.name for f in Organization.history.model._meta.get_fields()}
    assert not {"webhook_url", "webhook_url_ciphertext"} & historical
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM campaigns_historicalorganization")
        assert SECRET_PART not in str(cursor.fetchall())


@pytest.mark.parametrize("who", ["viewer", "admin"])
def test_the_api_shows_it_masked_to_every_role(hooked, alice, who):
    client = client_for(getattr(alice, who))
    listed = client.get("/api/v1/organizations/")
    shown = client.get(f"/api/v1/organizations/{hooked.pk}/")

    for response in (listed, shown):
        assert SECRET_PART not in response.content.decode()
        assert hooked.webhook_url_ciphertext not in response.content.decode()
    assert shown.json()["webhook"] == "set: https://hooks.slack.com/…"
    assert "webhook_url" not in shown.json()


def test_an_org_admin_replaces_it_through_the_api_and_a_blank_removes_it(hooked, alice):
    client = client_for(alice.admin)
    new = "https://example.webhook.office.com/webhookb2/NEW-SECRET"

    replaced = client.patch(f"/api/v1/organizations/{hooked.pk}/", {"webhook_url": new})
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["webhook"] == "set: https://example.webhook.office.com/…"
    assert "NEW-SECRET" not in replaced.content.decode()
    assert organization_webhook_url(Organization.objects.get(pk=hooked.pk)) == new

    renamed = client.patch(f"/api/v1/organizations/{hooked.pk}/", {"name": "Alice Ltd"})
    assert renamed.json()["webhook"].startswith("set:"), "an edit without it keeps it"

    removed = client.patch(f"/api/v1/organizations/{hooked.pk}/", {"webhook_url": ""})
    assert removed.json()["webhook"] == "not set"
    assert Organization.objects.get(pk=hooked.pk).webhook_url_ciphertext == ""


def test_a_viewer_cannot_replace_it(hooked, alice):
    response = client_for(alice.viewer).patch(
        f"/api/v1/organizations/{hooked.pk}/", {"webhook_url": "https://evil.example/"}
    )
    assert response.status_code == 403
    assert organization_webhook_url(Organization.objects.get(pk=hooked.pk)) == HOOK


def test_a_url_that_is_not_one_is_a_field_error(alice):
    response = client_for(alice.admin).patch(
        f"/api/v1/organizations/{alice.org.pk}/", {"webhook_url": "not a url"}
    )
    assert response.status_code == 400
    assert "webhook_url" in response.json()["fields"]


@pytest.mark.parametrize("who", ["viewer", "admin"])
def test_no_admin_page_shows_it(client, hooked, alice, who):
    client.force_login(getattr(alice, who))
    version = hooked.history.latest("history_date")
    pages = [
        "/admin/campaigns/organization/",
        change_url(hooked),
        history_url(hooked),
        f"{history_url(hooked)}{version.history_id}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert SECRET_PART not in content, url
        assert hooked.webhook_url_ciphertext[:24] not in content, url
    assert "set: https://hooks.slack.com/…" in client.get(change_url(hooked)).content.decode()


def test_an_admin_replaces_it_in_a_password_field_and_blank_keeps_it(client, hooked, alice):
    client.force_login(alice.admin)
    form = {"name": hooked.name, "slug": hooked.slug, "new_webhook_url": ""}

    page = client.get(change_url(hooked)).content.decode()
    assert 'type="password" name="new_webhook_url"' in page
    client.post(change_url(hooked), form)
    assert organization_webhook_url(Organization.objects.get(pk=hooked.pk)) == HOOK

    client.post(change_url(hooked), form | {"new_webhook_url": "https://hooks.slack.com/new"})
    assert organization_webhook_url(Organization.objects.get(pk=hooked.pk)) == (
        "https://hooks.slack.com/new"
    )

    client.post(change_url(hooked), form | {"remove_webhook": "on"})
    assert Organization.objects.get(pk=hooked.pk).webhook_url_ciphertext == ""


def test_setting_it_logs_nothing_of_it(alice, caplog):
    client = client_for(alice.admin)
    with caplog.at_level(logging.DEBUG):
        client.patch(f"/api/v1/organizations/{alice.org.pk}/", {"webhook_url": HOOK})
        client.patch(
            f"/api/v1/organizations/{alice.org.pk}/", {"webhook_url": "no-scheme/" + SECRET_PART}
        )
    assert SECRET_PART not in caplog.text
