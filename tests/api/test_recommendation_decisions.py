"""Approvers decide recommendations through the API, exactly as in the admin."""

import pytest

from campaigns.models import RecommendationStatus
from tests.api.helpers import client_for
from tests.factories import make_recommendation

pytestmark = pytest.mark.django_db


def _post(client, rec, action, **body):
    return client.post(f"/api/v1/recommendations/{rec.pk}/{action}/", body, format="json")


def test_an_approver_approves_a_proposal_and_history_names_them(alice):
    response = _post(client_for(alice.approver), alice.recommendation, "approve", note="go")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "alice-approver"
    alice.recommendation.refresh_from_db()
    last = alice.recommendation.history.first()
    assert (last.history_user, last.history_change_reason) == (alice.approver, "Approved: go")


def test_approving_twice_is_a_conflict_that_says_the_current_state(alice):
    client = client_for(alice.approver)
    _post(client, alice.recommendation, "approve")
    response = _post(client, alice.recommendation, "approve")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_refused"
    assert response.json()["current_state"] == "approved"


def test_an_analyst_may_not_approve(alice):
    response = _post(client_for(alice.analyst), alice.recommendation, "approve")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    alice.recommendation.refresh_from_db()
    assert alice.recommendation.status == RecommendationStatus.PROPOSED


def test_a_rejection_without_a_note_is_refused_with_the_reason(alice):
    response = _post(client_for(alice.approver), alice.recommendation, "reject")
    assert response.status_code == 400
    assert "note" in response.json()["message"]
    response = _post(
        client_for(alice.approver, name="t2"), alice.recommendation, "reject", note="no"
    )
    assert response.json()["status"] == "rejected"


def test_rolling_back_a_change_that_never_executed_is_a_conflict(alice):
    response = _post(client_for(alice.approver), alice.recommendation, "rollback")
    assert response.status_code == 409
    assert response.json()["current_state"] == "proposed"


def test_rolling_back_an_executed_change_creates_its_approved_inverse(alice):
    executed = make_recommendation(alice.campaign, status=RecommendationStatus.EXECUTED)
    response = _post(client_for(alice.approver), executed, "rollback", note="undo")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["rollback_of"], body["source"]) == (
        "approved",
        executed.pk,
        "rollback",
    )
    assert body["proposed_value"] == str(executed.current_value)
