"""An unsafe generated headline gets one regeneration, asked for with the reasons; a
replacement that is unsafe again is rejected with the reasons as its note — kept and
visible to the reviewer, never deployable — and history keeps the original."""

import pytest

from campaigns.models import Asset, AssetKind, AssetReview, CampaignStatus, Verdict
from creative.launch.steps import run_step
from creative.models import AICall, Purpose
from tests.creative.launches import planned_launch

UNSAFE_LINE = "Beats Acme Ads, GUARANTEED"  # the sandbox's "unsafe" fault writes this


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _unsafe_headline_launch(llm, alice):
    campaign = planned_launch(alice)
    llm.set_faults(next=["unsafe"])
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    headline = Asset.objects.get(campaign=campaign, kind=AssetKind.HEADLINE, position=0)
    assert headline.text == UNSAFE_LINE
    # the ad group's other assets are judged in one call (this headline the rules find
    # unsafe without the judge); the next request is its regeneration
    judge_calls = 1
    return campaign, headline, judge_calls


def test_an_unsafe_headline_is_replaced_by_a_safe_one(llm, alice):
    campaign, headline, _ = _unsafe_headline_launch(llm, alice)
    llm.set_faults(next=[])
    copy_calls = AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY).count()

    assert run_step(campaign.pk, "safety") is None

    headline.refresh_from_db()
    assert headline.text != UNSAFE_LINE
    assert headline.verdict == Verdict.SAFE and headline.review == AssetReview.PROPOSED
    assert AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY).count() == copy_calls + 1
    original = headline.history.filter(text=UNSAFE_LINE, verdict=Verdict.UNSAFE).get()
    assert any("capitals" in reason for reason in original.verdict_reasons)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT


def test_a_replacement_unsafe_again_is_rejected_with_the_reasons(llm, alice):
    campaign, headline, judge_calls = _unsafe_headline_launch(llm, alice)
    llm.set_faults(next=["ok"] * judge_calls + ["injection_echo"])

    assert run_step(campaign.pk, "safety") is None

    headline.refresh_from_db()
    assert headline.text.lower().startswith("ignore previous instructions")
    assert headline.verdict == Verdict.UNSAFE and headline.review == AssetReview.REJECTED
    assert "instruction" in headline.review_note and not headline.deployable
    # one regeneration only: the second unsafe text is not sent back for a third
    assert AICall.objects.filter(campaign=campaign, purpose=Purpose.COPY).count() == 2
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT  # the other headlines suffice
    assert any("rejected as unsafe" in f for f in campaign.brief.review_flags)
