"""The 72 h learning-rate limit covers every significant change of a campaign — a bid,
a pause, a resume as well as a budget — at proposal and at execution."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.guardrails import PolicyLimits, held_by_cooldown, is_significant
from campaigns.models import Campaign, RecommendationKind, RecommendationStatus, Source
from campaigns.services.errors import GuardrailRefused
from campaigns.services.proposals import recommendation_propose
from campaigns.services.recommendations import recommendation_mark_executed
from executors.checks import execution_checks
from tests.factories import make_recommendation

K = RecommendationKind
R = RecommendationStatus


@pytest.mark.parametrize("kind", [K.BUDGET, K.BID, K.PAUSE, K.RESUME])
def test_every_campaign_change_is_significant(kind):
    assert is_significant(kind, targets_campaign=True)


def test_an_account_level_audience_change_is_not_one_campaigns_learning():
    assert not is_significant(K.AUDIENCE_SUPPRESS, targets_campaign=False)
    assert is_significant(K.AUDIENCE_SUPPRESS, targets_campaign=True)


def test_the_cooldown_never_holds_a_pause_a_correction_or_a_persons_resume():
    assert not held_by_cooldown(K.PAUSE, source=Source.OPTIMIZER, targets_campaign=True)
    assert not held_by_cooldown(K.BUDGET, source=Source.ROLLBACK, targets_campaign=True)
    assert not held_by_cooldown(K.RESUME, source=Source.PERSON, targets_campaign=True)
    assert held_by_cooldown(K.RESUME, source=Source.OPTIMIZER, targets_campaign=True)
    assert held_by_cooldown(K.BID, source=Source.PERSON, targets_campaign=True)


@pytest.mark.parametrize("kind", [K.BID, K.PAUSE])
def test_an_executed_bid_or_pause_starts_the_campaigns_cooldown(alice, bob, kind):
    rec = make_recommendation(
        alice.campaign,
        kind=kind,
        ad_group=alice.ad_group if kind == K.BID else None,
        current_value=Decimal("15.50") if kind == K.BID else None,
        proposed_value=Decimal("16.00") if kind == K.BID else None,
        status=R.EXECUTING,
    )
    before = timezone.now()

    recommendation_mark_executed(recommendation=rec, actor=system_user())

    changed = Campaign.objects.get(pk=alice.campaign.pk).last_significant_change_at
    assert changed is not None and changed >= before
    assert Campaign.objects.get(pk=bob.campaign.pk).last_significant_change_at is None


def test_a_second_bid_of_the_same_campaign_is_blocked_at_execution_by_the_cooldown(alice):
    from tests.factories import make_ad_group

    other_group = make_ad_group(alice.campaign)
    first = make_recommendation(
        alice.campaign,
        kind=K.BID,
        ad_group=alice.ad_group,
        current_value=Decimal("15.50"),
        proposed_value=Decimal("16.00"),
        status=R.EXECUTING,
    )
    second = make_recommendation(
        alice.campaign,
        kind=K.BID,
        ad_group=other_group,
        current_value=Decimal("15.50"),
        proposed_value=Decimal("16.00"),
        status=R.APPROVED,
        decided_by=alice.approver,
    )
    recommendation_mark_executed(recommendation=first, actor=system_user())
    second = (
        type(second).objects.select_related("account", "campaign", "ad_group").get(pk=second.pk)
    )

    verdict = execution_checks(second, limits=PolicyLimits(), now=timezone.now())

    assert (verdict.ok, verdict.rule) == (False, "cooldown")


def test_a_person_cannot_propose_a_budget_change_after_a_bid_change_within_the_cooldown(alice):
    Campaign.objects.filter(pk=alice.campaign.pk).update(
        last_significant_change_at=timezone.now() - timedelta(hours=3)
    )

    with pytest.raises(GuardrailRefused, match="cooldown"):
        recommendation_propose(
            actor=alice.analyst,
            kind=K.BUDGET,
            campaign=alice.campaign,
            proposed_value=Decimal("5200"),
            reason="More budget",
        )


def test_a_person_cannot_propose_while_another_significant_change_is_approved(alice):
    make_recommendation(alice.campaign, status=R.APPROVED, decided_by=alice.approver)

    with pytest.raises(GuardrailRefused, match="starts its cooldown when it executes"):
        recommendation_propose(
            actor=alice.analyst,
            kind=K.BID,
            ad_group=alice.ad_group,
            proposed_value=Decimal("16.00"),
            reason="Cheaper clicks",
        )
