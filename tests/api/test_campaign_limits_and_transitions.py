"""Analysts set a campaign's limits and pin, and pause or resume it; nothing else moves."""

from decimal import Decimal

import pytest

from campaigns.models import Campaign, CampaignStatus
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_analyst_sets_spend_limits_and_the_pin_with_a_reason_in_history(alice):
    response = client_for(alice.analyst).patch(
        f"/api/v1/campaigns/{alice.campaign.pk}/",
        {"max_daily_spend": "4000.00", "is_pinned": True, "reason": "Month-end cap"},
        format="json",
    )
    assert response.status_code == 200
    alice.campaign.refresh_from_db()
    assert alice.campaign.max_daily_spend == Decimal("4000.00")
    assert alice.campaign.is_pinned
    assert alice.campaign.history.first().history_change_reason == "Month-end cap"


def test_a_patch_keeps_the_limits_it_does_not_mention(alice):
    alice.campaign.total_spend_limit = Decimal("90000")
    alice.campaign.save()
    client_for(alice.analyst).patch(
        f"/api/v1/campaigns/{alice.campaign.pk}/", {"is_pinned": True}, format="json"
    )
    alice.campaign.refresh_from_db()
    assert alice.campaign.total_spend_limit == Decimal("90000")


def test_a_viewer_cannot_change_limits(alice):
    response = client_for(alice.viewer).patch(
        f"/api/v1/campaigns/{alice.campaign.pk}/", {"max_daily_spend": "1.00"}, format="json"
    )
    assert response.status_code == 403
    alice.campaign.refresh_from_db()
    assert alice.campaign.max_daily_spend is None


def test_fields_that_are_not_limits_are_refused_not_silently_dropped(alice):
    response = client_for(alice.analyst).patch(
        f"/api/v1/campaigns/{alice.campaign.pk}/",
        {"daily_budget": "99999.00", "status": "paused"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"daily_budget", "status"}
    alice.campaign.refresh_from_db()
    assert (alice.campaign.daily_budget, alice.campaign.status) == (Decimal("5000.00"), "active")


def test_pausing_a_paused_campaign_is_a_conflict_with_its_state(alice):
    client = client_for(alice.analyst)
    url = f"/api/v1/campaigns/{alice.campaign.pk}/transition/"
    Campaign.objects.filter(pk=alice.campaign.pk).update(status=CampaignStatus.PAUSED)
    response = client.post(url, {"transition": "pause", "reason": "again"}, format="json")
    assert response.status_code == 409
    assert response.json()["current_state"] == CampaignStatus.PAUSED
