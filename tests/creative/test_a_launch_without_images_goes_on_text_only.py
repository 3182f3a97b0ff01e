"""When the image API still fails, the launch goes on with text only and is flagged
for a person's review: at once when the provider refuses the request, after the task
layer's retries (give_up) when it stays unavailable."""

import pytest

from campaigns.models import AssetKind, Brief, CampaignStatus
from creative.launch.images import TEXT_ONLY_FLAG
from creative.launch.steps import give_up, run_step
from creative.llm.errors import AIUnavailable
from tests.creative.launches import planned_launch

S = CampaignStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _reviewed_text_only(campaign):
    assert run_step(campaign.pk, "safety") is None
    campaign.refresh_from_db()
    brief = Brief.objects.get(campaign=campaign)
    assert campaign.status == S.PENDING_DEPLOYMENT
    assert brief.text_only and TEXT_ONLY_FLAG in brief.review_flags
    assert not campaign.assets.filter(kind=AssetKind.IMAGE).exists()


@pytest.mark.parametrize("fault", ["500", "empty"])
def test_an_image_api_still_failing_after_the_retries_goes_text_only(llm, alice, fault):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    llm.set_faults(next=[fault] * 3)  # every attempt the client makes

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "images")
    assert give_up(campaign.pk, "images", "the image API is unavailable") == "safety"

    _reviewed_text_only(campaign)


def test_a_refused_image_request_goes_text_only_at_once(llm, alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    llm.set_faults(next=["401"])  # the key is refused: retrying will not help

    assert run_step(campaign.pk, "images") == "safety"

    _reviewed_text_only(campaign)


def test_a_text_only_launch_asks_for_no_image_again(llm, alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    Brief.objects.filter(campaign=campaign).update(text_only=True)

    assert run_step(campaign.pk, "images") == "safety"
    assert not campaign.assets.filter(kind=AssetKind.IMAGE).exists()
