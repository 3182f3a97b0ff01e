"""Analysts propose budget and bid changes; the guardrails answer 422 naming the rule."""

from decimal import Decimal

import pytest

from campaigns.models import Recommendation
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def _propose(client, **body):
    return client.post("/api/v1/recommendations/", body, format="json")


def test_a_budget_step_within_the_cap_becomes_a_proposal_awaiting_approval(alice):
    response = _propose(
        client_for(alice.analyst),
        kind="budget",
        campaign=alice.campaign.pk,
        proposed_value="5500.00",
        reason="Festival week",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["source"], body["requires_approval"]) == (
        "proposed",
        "person",
        True,
    )
    assert body["current_value"] == "5000.00"


def test_a_budget_above_the_30_percent_cap_is_refused_with_the_rule(alice):
    before = Recommendation.objects.count()
    response = _propose(
        client_for(alice.analyst),
        kind="budget",
        campaign=alice.campaign.pk,
        proposed_value="9000.00",
        reason="More!",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "guardrail_refused"
    assert response.json()["rule"] == "max_budget_increase"
    assert Recommendation.objects.count() == before


def test_a_bid_step_beyond_the_bid_limit_is_refused_with_the_rule(alice):
    response = _propose(
        client_for(alice.analyst),
        kind="bid",
        ad_group=alice.ad_group.pk,
        proposed_value=str(alice.ad_group.bid * Decimal("2")),
        reason="Double it",
    )
    assert response.status_code == 422
    assert response.json()["rule"] == "max_bid_change"


def test_a_viewer_may_not_propose(alice):
    response = _propose(
        client_for(alice.viewer),
        kind="budget",
        campaign=alice.campaign.pk,
        proposed_value="5100.00",
        reason="x",
    )
    assert response.status_code == 403
