"""A status moves only through its transitions; only creation may set it directly."""

import pytest

from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationStatus
from tests.factories import make_campaign, make_recommendation


def test_it_refuses_to_set_a_campaigns_status_directly(alice):
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        alice.campaign.status = CampaignStatus.PAUSED
    assert alice.campaign.status == CampaignStatus.ACTIVE


def test_it_refuses_to_set_the_status_of_a_campaign_loaded_from_the_database(alice):
    campaign = Campaign.objects.get(pk=alice.campaign.pk)
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        campaign.status = CampaignStatus.ARCHIVED
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE


def test_it_refuses_to_set_a_recommendations_status_directly(alice):
    rec = Recommendation.objects.get(pk=alice.recommendation.pk)
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        rec.status = RecommendationStatus.APPROVED
    assert Recommendation.objects.get(pk=rec.pk).status == RecommendationStatus.PROPOSED


@pytest.mark.parametrize("status", [CampaignStatus.ACTIVE, CampaignStatus.PAUSED])
def test_sync_can_create_a_campaign_in_the_state_the_platform_reports(alice, status):
    campaign = Campaign.objects.create(
        account=alice.account,
        external_id=f"PLATFORM-{status}",
        name="Discovered on the platform",
        status=status,
    )
    assert Campaign.objects.get(pk=campaign.pk).status == status


def test_a_recommendation_can_be_created_pre_approved(alice):
    rec = make_recommendation(alice.campaign, status=RecommendationStatus.APPROVED)
    assert Recommendation.objects.get(pk=rec.pk).status == RecommendationStatus.APPROVED


def test_a_campaign_reloaded_from_the_database_sees_a_change_made_elsewhere(alice):
    campaign = make_campaign(alice.account)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.PAUSED)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
