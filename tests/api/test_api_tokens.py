"""API tokens: shown once, stored as a digest, refused once expired or revoked."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def _get(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client.get("/api/v1/campaigns/")


def test_the_secret_is_never_stored_only_its_digest(alice):
    token, secret = token_create(user=alice.viewer, name="reporting", actor=alice.viewer)
    stored = ApiToken.objects.get(pk=token.pk)
    values = [str(getattr(stored, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in v or secret[12:] in v for v in values)
    assert secret.startswith(f"spk_{stored.prefix}_")


def test_a_token_acts_as_its_user_and_records_when_it_was_used(alice):
    token, secret = token_create(user=alice.viewer, name="reporting", actor=alice.viewer)
    response = _get(secret)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [alice.campaign.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expired_token_is_refused(alice):
    token, secret = token_create(user=alice.viewer, name="old", actor=alice.viewer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _get(secret)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_is_refused_from_the_next_request(alice):
    token, secret = token_create(user=alice.viewer, name="leaked", actor=alice.viewer)
    assert _get(secret).status_code == 200
    token_revoke(token=token, actor=alice.viewer)
    assert _get(secret).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(alice):
    _token, secret = token_create(user=alice.viewer, name="t", actor=alice.viewer)
    alice.viewer.is_active = False
    alice.viewer.save()
    assert _get(secret).status_code == 401


def test_a_made_up_token_is_refused_like_any_other_bad_token(alice):
    assert _get("spk_00000000_made-up").status_code == 401
    assert _get("not-even-the-format").status_code == 401


def test_nobody_makes_or_revokes_tokens_for_someone_else(alice, bob, superuser):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(user=alice.viewer, name="mine now", actor=bob.admin)
    token, _ = token_create(user=alice.viewer, name="t", actor=alice.viewer)
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=bob.admin)
    token_revoke(token=token, actor=superuser)  # Spectra's operators may
    token.refresh_from_db()
    assert token.revoked_by == superuser
