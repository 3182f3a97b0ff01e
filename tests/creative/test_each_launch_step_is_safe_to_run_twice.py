"""Every step of a launch looks at what exists and makes only what is missing: run
twice, it leaves the same rows and asks the AI nothing more; a campaign that left
generation is not touched at all."""

import pytest

from campaigns.models import AdKind, CampaignStatus
from creative.launch.steps import STEPS, run_step
from tests.creative.launches import ai_calls, make_launch, planned_launch, rows


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_steps_run_in_order_and_each_names_the_next(llm, alice):
    campaign = planned_launch(alice)

    assert [run_step(campaign.pk, step) for step in STEPS] == ["copy", "images", "safety", None]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT


@pytest.mark.parametrize("step", ["strategy", "copy", "images"])
def test_a_step_run_twice_makes_the_same_rows_and_no_more_calls(llm, alice, step):
    campaign = make_launch(alice, platform="adobe")
    for earlier in STEPS[: STEPS.index(step)]:
        run_step(campaign.pk, earlier)

    assert run_step(campaign.pk, step) == STEPS[STEPS.index(step) + 1]
    made, calls = rows(campaign), ai_calls(campaign)
    assert run_step(campaign.pk, step) == STEPS[STEPS.index(step) + 1]

    assert rows(campaign) == made
    assert ai_calls(campaign) == calls
    assert made["groups"]  # the step did make something the first time
    if step != "strategy":
        # Adobe: a search ad and a display creative per ad group, the image on the latter
        assert {kind for _, _, kind in made["ads"]} == {AdKind.RESPONSIVE_SEARCH, AdKind.DISPLAY}


def test_safety_run_again_after_the_launch_left_generation_does_nothing(llm, alice):
    campaign = planned_launch(alice)
    for step in STEPS:
        run_step(campaign.pk, step)
    made, calls = rows(campaign), ai_calls(campaign)

    assert run_step(campaign.pk, "safety") is None
    assert run_step(campaign.pk, "strategy") is None

    assert rows(campaign) == made and ai_calls(campaign) == calls


def test_a_campaign_not_generating_is_left_alone(llm, alice):
    campaign = make_launch(alice)
    campaign.__class__.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DRAFT)

    assert run_step(campaign.pk, "strategy") is None
    assert not campaign.ad_groups.exists() and ai_calls(campaign) == 0
