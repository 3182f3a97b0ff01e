"""Every error has the same JSON shape: a stable code and a message a person can act on."""

import pytest
from rest_framework.test import APIClient

from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_no_token_is_401_with_a_bearer_challenge():
    response = APIClient().get("/api/v1/campaigns/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_id_is_a_plain_404(alice):
    response = client_for(alice.viewer).get("/api/v1/campaigns/999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found, or not yours to see."}


def test_a_bad_filter_value_names_the_field(alice):
    response = client_for(alice.viewer).get("/api/v1/metrics/?date_from=yesterday")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "date_from" in response.json()["fields"]


def test_a_deletion_is_not_an_api_operation(alice):
    response = client_for(alice.admin).delete(f"/api/v1/campaigns/{alice.campaign.pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
