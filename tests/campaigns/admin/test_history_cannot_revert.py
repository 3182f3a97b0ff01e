"""A version page is for reading: posting it back cannot restore a state, a budget or a limit."""

from decimal import Decimal

import pytest

from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_transition, campaign_update_limits
from tests.campaigns.admin.conftest import history_url


@pytest.fixture
def campaign_with_versions(alice):
    campaign_update_limits(
        campaign=alice.campaign,
        actor=alice.analyst,
        reason="Cap",
        max_daily_spend=Decimal("7000"),
        total_spend_limit=None,
    )
    return campaign_transition(
        campaign=alice.campaign, transition="pause", actor=alice.analyst, reason="Spike"
    )


def _first_version(obj):
    return type(obj).history.filter(id=obj.pk).earliest("history_date")


@pytest.mark.parametrize("who", ["superuser", "analyst"])
def test_posting_an_old_campaign_version_changes_nothing(
    client, alice, superuser, campaign_with_versions, who
):
    client.force_login(superuser if who == "superuser" else alice.analyst)
    first = _first_version(campaign_with_versions)
    url = f"{history_url(campaign_with_versions)}{first.history_id}/"

    response = client.post(
        url,
        {
            "status": CampaignStatus.ACTIVE,
            "daily_budget": "99999.00",
            "max_daily_spend": "",
            "total_spend_limit": "",
            "is_pinned": "on",
            "reason": "revert",
            "_save": "Revert",
            "ad_groups-TOTAL_FORMS": "0",
            "ad_groups-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 405
    campaign = Campaign.objects.get(pk=campaign_with_versions.pk)
    assert campaign.status == CampaignStatus.PAUSED
    assert campaign.daily_budget == Decimal("5000.00")
    assert campaign.max_daily_spend == Decimal("7000.00")
    assert campaign.is_pinned is False


def test_posting_an_old_recommendation_version_changes_nothing(client, alice, superuser):
    client.force_login(superuser)
    rec = alice.recommendation
    url = f"{history_url(rec)}{_first_version(rec).history_id}/"

    response = client.post(
        url, {"status": RecommendationStatus.APPROVED, "proposed_value": "1.00", "_save": "Revert"}
    )

    assert response.status_code == 405
    assert Recommendation.objects.get(pk=rec.pk).proposed_value == Decimal("6000.00")


def test_a_version_page_shows_the_old_values_read_only_without_a_revert_button(
    client, alice, superuser, campaign_with_versions
):
    client.force_login(superuser)
    first = _first_version(campaign_with_versions)

    response = client.get(f"{history_url(campaign_with_versions)}{first.history_id}/")

    assert response.status_code == 200
    assert b'value="Revert"' not in response.content
    assert b'name="max_daily_spend"' not in response.content  # shown as text, not an input
    assert response.context["adminform"].form.fields.keys() <= {"reason"}


def test_the_history_page_lists_who_changed_what_and_why(client, alice, campaign_with_versions):
    client.force_login(alice.viewer)

    content = client.get(history_url(campaign_with_versions)).content.decode()

    assert "alice-analyst" in content
    assert "Spike" in content
    assert "Cap" in content
