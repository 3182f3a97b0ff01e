"""An image the judge finds unsafe is made again once, the image API told why; a
replacement judged safe takes its place (history keeps the unsafe one). One unsafe again
is rejected — never deployable — and the launch goes on text-only, flagged for a
person, as when images cannot be made."""

import pytest

from campaigns.models import AssetKind, AssetReview, CampaignStatus, Verdict
from creative.launch.images import TEXT_ONLY_FLAG
from creative.launch.steps import run_step
from creative.models import AICall, Purpose
from tests.creative.launches import planned_launch

S = CampaignStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _imaged_launch(alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    return campaign, campaign.assets.get(kind=AssetKind.IMAGE)


def _image_calls(campaign) -> int:
    return AICall.objects.filter(campaign=campaign, purpose=Purpose.IMAGE).count()


def test_an_unsafe_image_is_replaced_by_a_safe_one(llm, alice):
    campaign, image = _imaged_launch(alice)
    first_url = image.image_url
    # the copy's batch judge, then the image judge says unsafe; the rest answer well
    llm.set_faults(next=["ok", "unsafe"])

    assert run_step(campaign.pk, "safety") is None

    image.refresh_from_db()
    assert image.image_url != first_url
    assert image.verdict == Verdict.SAFE and image.review == AssetReview.PROPOSED
    assert _image_calls(campaign) == 2
    original = image.history.filter(image_url=first_url, verdict=Verdict.UNSAFE).get()
    assert any("logo" in reason for reason in original.verdict_reasons)
    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT
    assert not campaign.brief.text_only


def test_an_image_unsafe_again_is_rejected_and_the_launch_goes_text_only(llm, alice):
    campaign, image = _imaged_launch(alice)
    # batch judge, image judge (unsafe), the new image, its judge (unsafe again)
    llm.set_faults(next=["ok", "unsafe", "ok", "unsafe"])

    assert run_step(campaign.pk, "safety") is None

    image.refresh_from_db()
    assert image.verdict == Verdict.UNSAFE and image.review == AssetReview.REJECTED
    assert "logo" in image.review_note and not image.deployable
    assert _image_calls(campaign) == 2  # one regeneration only
    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT  # the copy still goes out
    assert campaign.brief.text_only and TEXT_ONLY_FLAG in campaign.brief.review_flags
    assert any("rejected as unsafe" in f for f in campaign.brief.review_flags)
