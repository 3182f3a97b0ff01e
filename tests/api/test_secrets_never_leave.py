"""Platform credentials go in through the API and never come back out."""

import json

import pytest

from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-client-secret-value"


def test_credentials_are_accepted_and_never_shown_in_any_response(alice):
    client = client_for(alice.admin)
    stored = client.post(
        f"/api/v1/accounts/{alice.account.pk}/credentials/",
        {"values": {"client_secret": SECRET, "client_id": "abc"}},
        format="json",
    )
    assert stored.status_code == 200
    assert stored.json()["has_credentials"] is True
    alice.account.refresh_from_db()
    responses = [stored]
    for path in ("accounts/", f"accounts/{alice.account.pk}/", "organizations/"):
        responses.append(client.get(f"/api/v1/{path}"))
    responses.append(client.get("/api/schema/"))
    for response in responses:
        text = response.content.decode()
        assert SECRET not in text
        assert alice.account.credentials_ciphertext not in text
        if response["Content-Type"].startswith("application/json"):
            assert "credentials_ciphertext" not in json.dumps(response.json())


def test_the_token_secret_is_not_echoed_in_errors(alice):
    from api.services import token_create

    _t, secret = token_create(user=alice.viewer, name="t", actor=alice.viewer)
    client = client_for(alice.viewer, name="other")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}x")
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 401
    assert secret not in response.content.decode()


def test_no_log_line_carries_a_token_or_a_credential(alice, caplog):
    import logging

    from api.services import token_create

    _t, secret = token_create(user=alice.admin, name="logged", actor=alice.admin)
    client = client_for(alice.admin, name="other")
    with caplog.at_level(logging.DEBUG):
        client.post(
            f"/api/v1/accounts/{alice.account.pk}/credentials/",
            {"values": {"client_secret": SECRET}},
            format="json",
        )
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}-tampered")
        client.get("/api/v1/campaigns/")
    assert caplog.records, "the refused request is logged"
    text = "\n".join(caplog.messages)
    assert secret not in text and SECRET not in text
