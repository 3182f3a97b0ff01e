"""Tokens in the admin: the secret appears once, on the page that made it; revoking works;
people see only their own tokens."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken
from api.services import token_create

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_apitoken_add")
CHANGELIST = reverse("admin:api_apitoken_changelist")


def test_making_a_token_shows_its_secret_once_and_never_again(client, alice):
    client.force_login(alice.viewer)
    response = client.post(ADD, {"name": "reporting", "lifetime_days": 30})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("spk_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(name="reporting")
    assert token.user == alice.viewer
    for page in (CHANGELIST, reverse("admin:api_apitoken_change", args=[token.pk])):
        assert secret not in client.get(page).content.decode()
    # It works, as alice's viewer.
    api = client.__class__()
    listed = api.get("/api/v1/campaigns/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [c["id"] for c in listed.json()["results"]] == [alice.campaign.pk]


def test_a_person_cannot_make_a_token_for_someone_else(client, alice, bob):
    client.force_login(alice.viewer)
    client.post(ADD, {"name": "sneaky", "lifetime_days": 30, "user": bob.admin.pk})
    assert ApiToken.objects.get(name="sneaky").user == alice.viewer  # the field is not there


def test_revoking_from_the_changelist_refuses_the_token(client, alice):
    token, secret = token_create(user=alice.viewer, name="leaked", actor=alice.viewer)
    client.force_login(alice.viewer)
    client.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == alice.viewer
    api = client.__class__()
    assert api.get("/api/v1/campaigns/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_people_see_only_their_own_tokens(client, alice, bob):
    token_create(user=alice.viewer, name="alice's", actor=alice.viewer)
    theirs, _ = token_create(user=bob.viewer, name="bob's", actor=bob.viewer)
    client.force_login(alice.viewer)
    page = client.get(CHANGELIST).content.decode()
    assert "alice&#x27;s" in page and "bob&#x27;s" not in page
    assert client.get(reverse("admin:api_apitoken_change", args=[theirs.pk])).status_code == 302
    client.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_command_prints_the_secret_once_and_revokes_by_name(alice, capsys):
    call_command("api_token", "create", "alice-viewer", "--name", "cron", "--days", "7")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("spk_")
    call_command("api_token", "list", "alice-viewer")
    listing = capsys.readouterr().out
    assert "cron  usable" in listing and secret not in listing
    call_command("api_token", "revoke", "alice-viewer", "cron")
    assert ApiToken.objects.get(name="cron").revoked_at is not None
