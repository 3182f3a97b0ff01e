"""A prompt's campaign history stays within its token budget: the newest items verbatim,
the older ones in a rolling summary refreshed only when it must be, and the call's row
records what went in."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import DailyMetric, Recommendation, RecommendationStatus
from creative.context import campaign_history, context_for, estimate_tokens
from creative.fallbacks import fallback_ad_copy
from creative.models import AICall, CampaignSummary, Purpose
from creative.services.generate import generate
from tests.creative.conftest import BRIEF
from tests.factories import make_ad_group, make_recommendation


def _weeks(campaign, n):
    group = make_ad_group(campaign)
    today = timezone.now().date()
    DailyMetric.objects.bulk_create(
        DailyMetric(
            ad_group=group,
            campaign=campaign,
            date=today - timedelta(days=d),
            impressions=1000,
            clicks=100,
            conversions=Decimal("5"),
            conversion_value=Decimal("900"),
            spend=Decimal("300"),
            synced_at=timezone.now(),
        )
        for d in range(1, 7 * n)
    )


def _rejections(campaign, n):
    for i in range(n):
        rec = make_recommendation(campaign)
        Recommendation.objects.filter(pk=rec.pk).update(
            status=RecommendationStatus.REJECTED,
            decided_at=timezone.now() - timedelta(days=i + 1),
            decision_note=f"client asked to hold spend, reason {i}",
        )


def test_a_short_history_goes_in_whole_without_a_model_call(llm, alice):
    _weeks(alice.campaign, 2)

    context = context_for(campaign=alice.campaign, budget_tokens=2000)

    assert context.included["summarised"] == 0
    assert context.included["verbatim"] == len(campaign_history(alice.campaign, now=timezone.now()))
    assert "rejected" not in context.text and "ROAS 3.00" in context.text
    assert not AICall.objects.exists()


def test_a_long_history_is_cut_to_the_budget_with_a_summary_of_the_rest(llm, alice):
    _weeks(alice.campaign, 12)
    _rejections(alice.campaign, 30)

    context = context_for(campaign=alice.campaign, budget_tokens=300)

    assert context.tokens <= 300
    assert context.included["summarised"] > 0 and context.included["summary_until"]
    assert "Earlier (summary): " in context.text
    assert AICall.objects.get().purpose == Purpose.SUMMARY
    assert CampaignSummary.objects.get().items == context.included["summarised"]


def test_the_summary_is_reused_until_older_items_must_leave(llm, alice):
    _weeks(alice.campaign, 12)
    _rejections(alice.campaign, 30)
    context_for(campaign=alice.campaign, budget_tokens=300)

    again = context_for(campaign=alice.campaign, budget_tokens=300)

    assert AICall.objects.count() == 1  # nothing new to summarise
    assert again.included["summary_until"]


def test_the_call_records_what_the_prompt_carried(llm, alice):
    _weeks(alice.campaign, 12)
    _rejections(alice.campaign, 30)
    context = context_for(campaign=alice.campaign, budget_tokens=300)

    generate(
        organization_id=alice.org.pk,
        campaign_id=alice.campaign.pk,
        purpose=Purpose.COPY,
        prompt="ad-copy",
        variables={**BRIEF, "brief": BRIEF["brief"] + "\n" + context.text},
        fallback=fallback_ad_copy,
        included=context.included,
    )

    call = AICall.objects.filter(purpose=Purpose.COPY).get()
    assert call.included == context.included


def test_the_estimate_rounds_up():
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcde") == 2
