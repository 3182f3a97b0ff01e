"""A pin, a spend cap, a pause or an archive supersedes the open proposals it breaks at
once, with the person's change as the reason — not "Proposed", approved, and "Blocked"
at execution an hour later. A reallocation goes as a whole."""

from decimal import Decimal

import pytest

from campaigns.models import Recommendation, RecommendationStatus
from campaigns.services.campaigns import (
    campaign_archive,
    campaign_pause,
    campaign_update_limits,
)
from tests.factories import make_campaign, make_recommendation

pytestmark = pytest.mark.django_db
R = RecommendationStatus


def _limits(campaign, actor, **changes):
    values = dict(
        max_daily_spend=campaign.max_daily_spend,
        total_spend_limit=campaign.total_spend_limit,
        target_roas=campaign.target_roas,
        target_cpa=campaign.target_cpa,
    )
    return campaign_update_limits(
        campaign=campaign, actor=actor, reason="client asked", **(values | changes)
    )


def _status(rec) -> str:
    rec.refresh_from_db()
    return rec.status


def test_pinning_a_campaign_supersedes_its_open_proposals_and_says_why(alice):
    proposal = alice.recommendation  # a +20 % budget change, PROPOSED

    _limits(alice.campaign, alice.analyst, is_pinned=True)

    assert _status(proposal) == R.EXPIRED
    assert "pinned" in proposal.outcome_detail
    assert "client asked" in proposal.outcome_detail
    assert proposal.history.first().history_change_reason.startswith("Superseded:")


def test_a_spend_cap_below_the_proposed_budget_supersedes_it_and_one_above_keeps_it(alice):
    low = make_recommendation(alice.campaign, proposed_value=Decimal("5800.00"))
    other = make_campaign(alice.account)
    high = make_recommendation(other, proposed_value=Decimal("5800.00"))

    _limits(alice.campaign, alice.analyst, max_daily_spend=Decimal("5500.00"))
    _limits(other, alice.analyst, max_daily_spend=Decimal("9000.00"))

    assert _status(low) == R.EXPIRED
    assert "max_daily_spend" in low.outcome_detail
    assert _status(high) == R.PROPOSED


def test_asking_for_a_pause_supersedes_the_campaigns_proposals_at_once(alice):
    proposal = alice.recommendation

    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="brand review")

    assert _status(proposal) == R.EXPIRED
    assert "pause was requested" in proposal.outcome_detail


def test_archiving_supersedes_them_too(alice):
    proposal = alice.recommendation

    campaign_archive(campaign=alice.campaign, actor=alice.analyst, reason="season over")

    assert _status(proposal) == R.EXPIRED


def test_an_approved_change_is_left_to_the_execution_checks(alice):
    approved = make_recommendation(alice.campaign, status=R.APPROVED, decided_by=alice.approver)

    _limits(alice.campaign, alice.analyst, is_pinned=True)

    assert _status(approved) == R.APPROVED  # a person approved it: execution blocks it, saying why


def test_other_tenants_proposals_are_untouched(alice, bob):
    _limits(alice.campaign, alice.analyst, is_pinned=True)

    assert _status(bob.recommendation) == R.PROPOSED
    assert Recommendation.objects.filter(status=R.EXPIRED).count() == 1
