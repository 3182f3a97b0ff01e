"""The browser uses its admin session on the API; writes still need the CSRF token."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_reads_the_api_with_their_session(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice.viewer)
    response = client.get("/api/v1/campaigns/")
    assert [c["id"] for c in response.json()["results"]] == [alice.campaign.pk]


def test_a_session_write_without_the_csrf_token_is_refused(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice.approver)
    response = client.post(f"/api/v1/recommendations/{alice.recommendation.pk}/approve/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    alice.recommendation.refresh_from_db()
    assert alice.recommendation.status == "proposed"
