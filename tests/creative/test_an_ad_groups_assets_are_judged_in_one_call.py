"""Brand safety judges all of an ad group's assets in one structured call (verdicts keyed
by asset id), not one call per asset; each call is metered like any other."""

from campaigns.models import Asset, AssetKind, Verdict
from creative.models import AICall, CallOutcome, Purpose
from tests.creative.launches import planned_launch, run_chain

GROUPS = ("Trail shoes", "Rain boots")


def _judge_calls(campaign, prompt: str) -> int:
    return AICall.objects.filter(
        campaign=campaign, purpose=Purpose.SAFETY, prompt_version__name=prompt
    ).count()


def test_each_ad_group_costs_one_judge_call_not_one_per_asset(llm, alice):
    campaign = planned_launch(alice, groups=GROUPS)

    run_chain(campaign, start="copy")

    texts = Asset.objects.filter(campaign=campaign).exclude(kind=AssetKind.IMAGE)
    assert texts.count() > 2 * len(GROUPS)  # many assets per group
    assert not texts.filter(verdict=Verdict.PENDING).exists()
    assert _judge_calls(campaign, "safety-judge-batch") == len(GROUPS)
    single = _judge_calls(campaign, "safety-judge")
    # Alone only what was regenerated after an unsafe verdict (a new text, judged again).
    regenerated = Asset.history.filter(
        campaign=campaign, history_change_reason__startswith="Regenerated"
    )
    assert single == regenerated.values("id").distinct().count()
    batch = AICall.objects.filter(campaign=campaign, prompt_version__name="safety-judge-batch")
    assert all(c.outcome == CallOutcome.OK and c.input_tokens > 0 for c in batch)  # metered
