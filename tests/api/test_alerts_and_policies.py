"""Alerts are acknowledged once; guardrail policies are configured by admins."""

from decimal import Decimal

import pytest

from campaigns.models import Alert, GuardrailPolicy
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_analyst_acknowledges_an_open_alert_once(alice):
    alert = Alert.objects.create(organization=alice.org, kind="sync_failed", title="Sync failed")
    client = client_for(alice.analyst)
    response = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "alice-analyst"
    again = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert again.status_code == 400
    assert "already acknowledged" in again.json()["message"]
    assert client.get("/api/v1/alerts/?acknowledged=false").json()["results"] == []


def test_an_admin_creates_and_changes_a_policy_and_its_version_moves(alice):
    client = client_for(alice.admin)
    created = client.post(
        "/api/v1/policies/",
        {"organization": alice.org.pk, "max_budget_increase_pct": "20.00", "reason": "cautious"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    policy_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/policies/{policy_id}/", {"budget_floor": "250.00"}, format="json"
    )
    assert changed.status_code == 200
    policy = GuardrailPolicy.objects.get(pk=policy_id)
    assert (policy.budget_floor, policy.max_budget_increase_pct) == (
        Decimal("250.00"),
        Decimal("20.00"),
    )
    assert changed.json()["version"] == created.json()["version"] + 1


def test_a_second_default_policy_is_refused_with_where_the_first_is(alice):
    client = client_for(alice.admin)
    first = client.post("/api/v1/policies/", {"organization": alice.org.pk}, format="json")
    second = client.post("/api/v1/policies/", {"organization": alice.org.pk}, format="json")
    assert second.status_code == 400
    assert f"/api/v1/policies/{first.json()['id']}/" in second.json()["message"]


def test_an_approver_cannot_change_policies(alice):
    response = client_for(alice.approver).post(
        "/api/v1/policies/", {"organization": alice.org.pk}, format="json"
    )
    assert response.status_code == 403
    assert not GuardrailPolicy.objects.exists()
