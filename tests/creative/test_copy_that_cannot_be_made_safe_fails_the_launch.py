"""When an ad is left with fewer safe headlines or descriptions than its platform needs
after the one regeneration, the launch goes to FAILED, saying why in words; a person
can take it back to draft."""

import pytest

from campaigns.models import AssetReview, Brief, CampaignStatus
from creative.launch.steps import run_step
from creative.models import BrandRules
from tests.creative.launches import planned_launch

# The sandbox starts every headline with one of these words; banning them all leaves
# no headline (and no replacement) the rules can pass.
SANDBOX_VERBS = ["Shop", "Discover", "Try", "Get", "Explore", "Order", "Save on", "Meet"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_launch_whose_headlines_are_all_unsafe_fails_with_the_reason(llm, alice, bob):
    BrandRules.objects.create(organization=alice.org, banned_terms=SANDBOX_VERBS)
    campaign = planned_launch(alice, groups=("Trail shoes",))
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")

    assert run_step(campaign.pk, "safety") is None

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    reason = Brief.objects.get(campaign=campaign).failure_reason
    assert reason.startswith(
        "copy could not be produced safely: Trail shoes: the responsive search ad has 0 safe "
        "headlines of the 3 it needs"
    )
    assert "banned term" in reason
    # the rejected assets stay for the person who reads why
    assert campaign.assets.filter(review=AssetReview.REJECTED).count() >= 3


def test_another_organizations_rules_do_not_touch_this_launch(llm, alice, bob):
    BrandRules.objects.create(organization=bob.org, banned_terms=SANDBOX_VERBS)
    campaign = planned_launch(alice)
    for step in ("copy", "images", "safety"):
        run_step(campaign.pk, step)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    assert not campaign.assets.filter(review=AssetReview.REJECTED).exists()
