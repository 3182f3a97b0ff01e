"""Throttles: per token, and per organization (`api_requests_per_minute`), 429 with Retry-After."""

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings

from api.throttling import TokenRateThrottle
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_counts():
    cache.clear()
    yield
    cache.clear()


def test_an_organization_over_its_quota_gets_429_naming_it_and_when_to_retry(alice, bob):
    alice.org.api_requests_per_minute = 3
    alice.org.save()
    client = client_for(alice.viewer)
    assert [client.get("/api/v1/campaigns/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert "alice org" in body["message"] and "3 API requests" in body["message"]
    assert int(response["Retry-After"]) == body["retry_after"] > 0
    # Another organization's quota is its own.
    assert client_for(bob.viewer).get("/api/v1/campaigns/").status_code == 200


def test_the_quota_is_shared_by_every_token_of_the_organization(alice):
    alice.org.api_requests_per_minute = 2
    alice.org.save()
    client_for(alice.viewer).get("/api/v1/campaigns/")
    client_for(alice.analyst).get("/api/v1/campaigns/")
    assert client_for(alice.admin).get("/api/v1/campaigns/").status_code == 429


def test_one_token_is_throttled_on_its_own(alice, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    first = client_for(alice.viewer, name="busy script")
    assert [first.get("/api/v1/alerts/").status_code for _ in range(3)] == [200, 200, 429]
    assert "This token made more than 2 requests" in first.get("/api/v1/alerts/").json()["message"]
    second = client_for(alice.viewer, name="other script")
    assert second.get("/api/v1/alerts/").status_code == 200
    assert api_settings.DEFAULT_THROTTLE_RATES["token"]  # configured for real use too
