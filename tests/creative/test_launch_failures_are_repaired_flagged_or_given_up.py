"""The model fails at every step the ways real ones do: an invalid answer is repaired
once, then replaced by a fallback the review is told about; a provider that stays down
raises AIUnavailable out of the step for the task layer to retry, and once its retries
are spent the launch fails saying why (images excepted: they go text-only)."""

import pytest

from campaigns.models import AssetSource, Brief, CampaignStatus
from creative.launch.steps import STEPS, give_up, run_step
from creative.launch.strategy import FALLBACK_FLAG
from creative.llm.errors import AIUnavailable
from tests.creative.launches import make_launch, planned_launch, run_chain

S = CampaignStatus
DOWN = ["503", "503", "503"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_strategy_repaired_once_is_not_flagged(llm, alice):
    campaign = make_launch(alice)
    llm.set_faults(next=["invalid_json"])

    assert run_step(campaign.pk, "strategy") == "copy"

    assert campaign.ad_groups.count() >= 1
    assert FALLBACK_FLAG not in Brief.objects.get(campaign=campaign).review_flags


def test_a_strategy_that_stays_invalid_is_the_fallback_and_flagged(llm, alice):
    campaign = make_launch(alice)
    llm.set_faults(next=["missing_fields", "wrong_types"])

    assert run_step(campaign.pk, "strategy") == "copy"

    assert list(campaign.ad_groups.values_list("name", flat=True)) == ["Trailblazer GTX"]
    assert FALLBACK_FLAG in Brief.objects.get(campaign=campaign).review_flags


def test_refused_copy_becomes_the_fallback_and_the_review_is_told(llm, alice):
    campaign = planned_launch(alice)
    llm.set_faults(next=["refusal"])

    run_chain(campaign, start="copy")

    campaign.refresh_from_db()
    assert set(campaign.assets.exclude(kind="image").values_list("source", flat=True)) == {
        AssetSource.FALLBACK
    }
    assert campaign.status == S.PENDING_DEPLOYMENT
    flags = Brief.objects.get(campaign=campaign).review_flags
    assert any("fallback templates" in flag for flag in flags)


@pytest.mark.parametrize("step", ["strategy", "copy", "safety"])
def test_a_provider_that_stays_down_raises_then_give_up_fails_the_launch(llm, alice, step):
    campaign = make_launch(alice) if step == "strategy" else planned_launch(alice)
    for earlier in STEPS[1 : STEPS.index(step)]:
        run_step(campaign.pk, earlier)
    llm.set_faults(next=DOWN)

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, step)
    campaign.refresh_from_db()
    assert campaign.status == S.GENERATING_ASSETS  # the task layer retries later

    assert give_up(campaign.pk, step, "the model provider is unavailable") is None

    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    reason = Brief.objects.get(campaign=campaign).failure_reason
    assert step in reason and "unavailable" in reason


def test_give_up_on_a_launch_no_longer_generating_does_nothing(llm, alice):
    campaign = planned_launch(alice)
    run_chain(campaign, start="copy")

    assert give_up(campaign.pk, "copy", "late") is None

    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT


def test_a_model_that_times_out_raises_for_the_task_layer_to_retry(llm, alice, monkeypatch):
    from dataclasses import replace

    from creative.llm import endpoint

    real = endpoint.environment_endpoint
    monkeypatch.setattr(
        endpoint,
        "environment_endpoint",
        lambda: replace(real(), timeout_seconds=1.0, max_attempts=2),
    )
    campaign = planned_launch(alice)
    llm.set_faults(next=["timeout", "timeout"], slowSeconds=2)

    with pytest.raises(AIUnavailable):
        run_step(campaign.pk, "copy")
    assert not campaign.assets.exists()

    llm.set_faults(next=[])
    assert run_step(campaign.pk, "copy") == "images"
    assert campaign.assets.exists()


def test_a_judge_that_refuses_leaves_the_asset_uncertain_for_a_person(llm, alice):
    campaign = planned_launch(alice)
    run_step(campaign.pk, "copy")
    run_step(campaign.pk, "images")
    # The ad group's judge call, then the first asset's own: a refused batch sends each
    # asset to the judge alone, and the first is refused again.
    llm.set_faults(next=["refusal", "refusal"])

    assert run_step(campaign.pk, "safety") is None

    first = campaign.assets.exclude(kind="image").order_by("ad_id", "kind", "position").first()
    assert first.verdict == "uncertain"
    campaign.refresh_from_db()
    assert campaign.status == S.PENDING_DEPLOYMENT
    assert any("uncertain" in flag for flag in campaign.brief.review_flags)
