"""The image judge's call is billed like every call: an AICall for the campaign and its
organization, on the image judge's prompt version, with the image's input tokens (a
1024 x 1024 image is 85 + 4 tiles x 170 = 765 tokens, as OpenAI documents) priced."""

import pytest

from campaigns.models import AssetKind
from creative.launch.steps import run_step
from creative.models import AICall, Purpose
from tests.creative.launches import planned_launch

IMAGE_TOKENS = 85 + 4 * 170


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_image_judge_call_is_metered_against_the_campaign(llm, alice, bob):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    before = set(AICall.objects.values_list("pk", flat=True))

    run_step(campaign.pk, "safety")

    calls = AICall.objects.exclude(pk__in=before).filter(prompt_version__name="image-safety-judge")
    [call] = calls
    assert call.campaign_id == campaign.pk and call.organization_id == alice.org.pk
    assert call.purpose == Purpose.SAFETY
    assert call.input_tokens > IMAGE_TOKENS  # the image, then the words
    assert call.cost > 0
    assert campaign.assets.get(kind=AssetKind.IMAGE).verdict == "safe"
    assert not AICall.objects.filter(organization_id=bob.org.pk).exists()
