"""The pipeline proposes only within the guardrails: pins, cooldowns, inactive campaigns,
minimum evidence, max changes per run, approval by autonomy, one change at a time, and the
audience and bid thresholds. Pure: synthetic AccountInputs, no database."""

from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest

from campaigns.guardrails import PolicyLimits, check_bid, check_budget, risk_of
from campaigns.models.accounts import Autonomy
from campaigns.models.recommendations import Risk
from optimizer.pipeline import plan_account
from tests.optimizer.builders import Group, Segment, account_inputs

LIMITS = PolicyLimits()
# Four campaigns of one pool: 0 earns twice the others, 1 a third of 0.
ROAS = [6.0, 2.0, 3.0, 3.0]


def plan_for(inputs, limits=LIMITS, autonomy=Autonomy.AUTONOMOUS):
    return plan_account(inputs, limits=limits, autonomy=autonomy)


def budget_proposals(plan):
    return {p.campaign_index: p for p in plan.proposals if p.kind == "budget"}


def touching(plan, inputs, campaign: int):
    """Every proposal that changes campaign `campaign` or one of its ad groups."""
    groups = set(np.flatnonzero(inputs.ad_groups.campaign_index == campaign))
    return [
        p
        for p in plan.proposals
        if p.campaign_index == campaign
        or (p.ad_group_index is not None and p.ad_group_index in groups)
    ]


def campaign_holds(plan, campaign: int) -> list[str]:
    return [h.reason for h in plan.holds if h.target == "campaign" and h.index == campaign]


def assert_pool_totals_exact(inputs, plan):
    current = defaultdict(Decimal)
    after = defaultdict(Decimal)
    changed = budget_proposals(plan)
    for i, budget in enumerate(inputs.campaigns.budget):
        pool = int(inputs.campaigns.portfolio[i])
        now = Decimal(str(budget)).quantize(Decimal("0.01"))
        current[pool] += now
        after[pool] += changed[i].proposed if i in changed else now
    assert after == current


def test_the_unconstrained_portfolio_moves_budget_from_the_weak_campaign_to_the_strong_one():
    # The control for the holds below: without them, campaigns 0 and 1 do change.
    inputs = account_inputs([5000] * 4, roas=ROAS, target_cpa=[1000, 5000, 1, 1])
    plan = plan_for(inputs)

    budgets = budget_proposals(plan)
    assert budgets[0].proposed > budgets[0].current
    assert budgets[1].proposed < budgets[1].current
    assert_pool_totals_exact(inputs, plan)


@pytest.mark.parametrize("campaign", [0, 1])
def test_a_pinned_campaign_is_never_changed_and_holds_with_the_pin_reason(campaign):
    pinned = [i == campaign for i in range(4)]
    # A target CPA far from the actual one tempts a bid change as well.
    inputs = account_inputs([5000] * 4, roas=ROAS, pinned=pinned, target_cpa=[1000, 5000, 1, 1])
    plan = plan_for(inputs)

    assert touching(plan, inputs, campaign) == []
    assert any("pinned by a person" in reason for reason in campaign_holds(plan, campaign))
    assert_pool_totals_exact(inputs, plan)


@pytest.mark.parametrize("campaign", [0, 1])
def test_a_campaign_in_its_cooldown_is_never_changed(campaign):
    cooling = [i == campaign for i in range(4)]
    inputs = account_inputs(
        [5000] * 4, roas=ROAS, cooling_down=cooling, target_cpa=[1000, 5000, 1, 1]
    )
    plan = plan_for(inputs)

    assert touching(plan, inputs, campaign) == []
    assert any(
        "changed within the last 72 h" in reason for reason in campaign_holds(plan, campaign)
    )
    assert_pool_totals_exact(inputs, plan)


@pytest.mark.parametrize("campaign", [0, 1])
def test_an_inactive_campaign_is_never_changed(campaign):
    active = [i != campaign for i in range(4)]
    inputs = account_inputs([5000] * 4, roas=ROAS, active=active, target_cpa=[1000, 5000, 1, 1])
    plan = plan_for(inputs)

    assert touching(plan, inputs, campaign) == []
    assert any("not active" in reason for reason in campaign_holds(plan, campaign))
    assert_pool_totals_exact(inputs, plan)


def test_a_low_volume_campaign_holds_and_the_reason_names_the_policy_minimum():
    # Campaign 3 has the best ROAS but ₹2,000 clicks: 2 a day, 28 in the evidence window.
    inputs = account_inputs([5000] * 4, roas=[6, 2, 3, 10], cpc=[20, 20, 20, 2000])
    plan = plan_for(inputs)

    assert 3 not in budget_proposals(plan)
    (reason,) = campaign_holds(plan, 3)
    assert "not enough evidence" in reason
    assert "28 clicks" in reason
    assert "policy minimum 100 clicks, 20 conversions" in reason


def test_the_same_low_volume_campaign_moves_once_the_policy_minimum_is_met():
    inputs = account_inputs([5000] * 4, roas=[6, 2, 3, 10], cpc=[20, 20, 20, 2000])
    plan = plan_for(inputs, PolicyLimits(min_clicks=10))

    assert budget_proposals(plan)[3].proposed > Decimal("5000")


def test_max_changes_per_run_caps_the_proposals_and_the_pool_total_still_holds():
    inputs = account_inputs([5000] * 10, roas=np.linspace(1, 10, 10))
    assert len(plan_for(inputs).proposals) > 3  # uncapped, the plan moves many budgets

    plan = plan_for(inputs, PolicyLimits(max_changes_per_run=3))

    assert 0 < len(plan.proposals) <= 3
    assert_pool_totals_exact(inputs, plan)
    assert any("max changes per run" in h.reason for h in plan.holds)


def test_max_changes_per_run_keeps_the_largest_expected_gains_among_bids_and_audiences():
    # One campaign per pool: budgets cannot move, so only the audience proposals compete.
    segments = [Segment(True, 50, 85), Segment(True, 50, 99), Segment(True, 50, 90)]
    inputs = account_inputs([5000, 5000], roas=[3, 3], portfolio=[1, 2], segments=segments)
    plan = plan_for(inputs, PolicyLimits(max_changes_per_run=1))

    (chosen,) = plan.proposals
    assert chosen.audience_index == 1  # fatigue 99: the most to gain from resting
    dropped = {h.index for h in plan.holds if h.target == "audience"}
    assert dropped == {0, 2}
    assert all("max changes per run" in h.reason for h in plan.holds if h.target == "audience")


def test_with_a_max_of_two_changes_the_budget_moves_from_the_weakest_to_the_strongest():
    # Ten campaigns, ROAS 1…10: the two most valuable changes are "cut ROAS 1, raise ROAS 10".
    # Ranking the changes by each campaign's own value change drops every cut first (a cut
    # always loses that campaign some value), and the run shuffles money between the best.
    inputs = account_inputs([5000] * 10, roas=np.linspace(1, 10, 10))
    plan = plan_for(inputs, PolicyLimits(max_changes_per_run=2))

    budgets = budget_proposals(plan)
    assert set(budgets) == {0, 9}
    assert budgets[0].proposed < budgets[0].current
    assert budgets[9].proposed > budgets[9].current


def mixed_risk_inputs():
    """Budget moves of 30 % (medium), a 5 % bid step (low) and an audience switch (medium)."""
    return account_inputs(
        [5000, 5000, 5000],
        roas=[6, 2, 6],
        portfolio=[0, 0, 1],  # campaign 2 alone in its pool: its budget cannot move
        target_cpa=[np.nan, np.nan, 1000],  # CPA 250 against a target of 1,000: raise the bid
        groups=[Group(0), Group(1), Group(2, quality_score=6)],  # average quality: half a step
        segments=[Segment(True, 50, 90)],
    )


@pytest.mark.parametrize(
    ("autonomy", "manual_policy", "needs_approval"),
    [
        (Autonomy.MANUAL, False, {Risk.LOW: True, Risk.MEDIUM: True}),
        (Autonomy.AUTO_LOW_RISK, False, {Risk.LOW: False, Risk.MEDIUM: True}),
        (Autonomy.AUTONOMOUS, False, {Risk.LOW: False, Risk.MEDIUM: False}),
        (Autonomy.AUTONOMOUS, True, {Risk.LOW: True, Risk.MEDIUM: True}),
        (Autonomy.AUTO_LOW_RISK, True, {Risk.LOW: True, Risk.MEDIUM: True}),
    ],
)
def test_approval_follows_the_risk_the_autonomy_and_the_manual_approval_policy(
    autonomy, manual_policy, needs_approval
):
    limits = PolicyLimits(require_manual_approval=manual_policy)
    plan = plan_for(mixed_risk_inputs(), limits, autonomy)

    kinds = {p.kind: p for p in plan.proposals}
    assert kinds.keys() == {"budget", "bid", "audience_suppress"}
    assert kinds["bid"].risk == Risk.LOW
    assert kinds["audience_suppress"].risk == Risk.MEDIUM
    for p in plan.proposals:
        assert p.risk == risk_of(p.kind, p.change_pct, limits, assumed=p.assumed)
        assert p.requires_approval is needs_approval[p.risk], p


def test_a_campaign_whose_budget_changes_gets_no_bid_change_in_the_same_run():
    # Campaigns 0 and 1 share a pool (their budgets move); campaign 2 is alone in its pool.
    # All three have a target CPA that their ad groups miss by far.
    inputs = account_inputs(
        [5000, 5000, 5000], roas=[6, 2, 6], portfolio=[0, 0, 1], target_cpa=[1000, 100, 1000]
    )
    plan = plan_for(inputs)

    budgets = budget_proposals(plan)
    assert set(budgets) == {0, 1}
    bids = {p.campaign_index for p in plan.proposals if p.kind == "bid"}
    assert bids == {2}  # the control: the same target does move a bid elsewhere
    held = {h.index: h.reason for h in plan.holds if h.target == "ad_group"}
    assert "budget changes in this run" in held[0]
    assert "budget changes in this run" in held[1]


def test_audiences_are_suppressed_above_the_fatigue_threshold_and_activated_when_fresh():
    segments = [
        Segment(active=True, intent=50, fatigue=85),  # 0: fatigued → suppress
        Segment(active=True, intent=50, fatigue=80),  # 1: at the threshold → keep
        Segment(active=False, intent=70, fatigue=50),  # 2: intent ≥ 70, fatigue ≤ 50 → activate
        Segment(active=False, intent=69, fatigue=10),  # 3: intent too low → keep off
        Segment(active=False, intent=90, fatigue=51),  # 4: too fatigued to start → keep off
        Segment(active=True, intent=95, fatigue=10),  # 5: already active → nothing
        Segment(active=False, intent=20, fatigue=95),  # 6: already suppressed → nothing
    ]
    plan = plan_for(account_inputs([5000], segments=segments))

    decided = {p.audience_index: p.kind for p in plan.proposals if p.audience_index is not None}
    assert decided == {0: "audience_suppress", 2: "audience_activate"}


def test_audience_thresholds_come_from_the_policy():
    segments = [Segment(True, 50, 65), Segment(False, 55, 30)]
    limits = PolicyLimits(
        fatigue_suppress_threshold=Decimal("60"),
        intent_activate_threshold=Decimal("50"),
        activate_max_fatigue=Decimal("30"),
    )
    plan = plan_for(account_inputs([5000], segments=segments), limits)

    decided = {p.audience_index: p.kind for p in plan.proposals if p.audience_index is not None}
    assert decided == {0: "audience_suppress", 1: "audience_activate"}


def bid_inputs(bid: float = 15.50, quality: float = 9.0, target_cpa=1000.0, roas: float = 6.0):
    """One campaign alone in its pool (its budget cannot move) and one ad group whose CPA is
    1,500 / roas (250 at ROAS 6) against `target_cpa`."""
    return account_inputs(
        [5000],
        roas=[roas],
        target_cpa=[target_cpa],
        groups=[Group(0, bid=bid, quality_score=quality)],
    )


@pytest.mark.parametrize("max_bid_change", ["5", "10", "25"])
@pytest.mark.parametrize("bid", [15.50, 15.55, 15.56, 0.99, 123.45])
@pytest.mark.parametrize("target_cpa", [1000.0, 50.0])
def test_a_bid_never_moves_beyond_the_policy_step(max_bid_change, bid, target_cpa):
    limits = PolicyLimits(max_bid_change_pct=Decimal(max_bid_change))
    plan = plan_for(bid_inputs(bid=bid, target_cpa=target_cpa), limits)

    (proposal,) = [p for p in plan.proposals if p.kind == "bid"]
    assert abs(proposal.change_pct) <= float(max_bid_change)
    verdict = check_bid(current=proposal.current, proposed=proposal.proposed, limits=limits)
    assert verdict.ok, verdict.detail


@pytest.mark.parametrize("target_cpa", [1000.0, 50.0])
def test_a_bid_too_small_to_move_a_cent_within_the_step_is_left_alone(target_cpa):
    # 10 % of ₹0.07 is less than a paisa; ₹0.08 or ₹0.06 would be a 14 % step.
    plan = plan_for(bid_inputs(bid=0.07, target_cpa=target_cpa))

    assert [p for p in plan.proposals if p.kind == "bid"] == []


def test_a_bid_moves_toward_the_target_cpa():
    cheap = plan_for(bid_inputs(target_cpa=1000.0))  # CPA 250, target 1,000: buy more
    dear = plan_for(bid_inputs(target_cpa=100.0))  # CPA 250, target 100: pay less

    (up,) = [p for p in cheap.proposals if p.kind == "bid"]
    (down,) = [p for p in dear.proposals if p.kind == "bid"]
    assert up.proposed > up.current
    assert down.proposed < down.current
    assert "against the target" in up.reason


def test_a_low_quality_score_blocks_a_raise_and_says_why():
    plan = plan_for(bid_inputs(quality=3, target_cpa=1000.0))

    assert [p for p in plan.proposals if p.kind == "bid"] == []
    (hold,) = [h for h in plan.holds if h.target == "ad_group"]
    assert "quality score is 3/10" in hold.reason


def test_a_low_quality_score_does_not_block_a_cut():
    plan = plan_for(bid_inputs(quality=3, target_cpa=100.0))

    (down,) = [p for p in plan.proposals if p.kind == "bid"]
    assert down.proposed < down.current


def test_a_campaign_above_its_max_daily_spend_is_cut_in_a_way_the_executor_accepts():
    # Campaign 2 (pinned) has a budget of 5,000 but may spend only 3,000 a day. The
    # allocator brings it down to the limit (−40 %) and hands the 2,000 to the others;
    # the executor's rule refuses a cut beyond −30 %, so it would block this cut and run
    # the raises: the pool would then spend 2,000 a day more than before.
    inputs = account_inputs(
        [5000] * 4,
        roas=ROAS,
        pinned=[False, False, True, False],
        max_daily_spend=[np.inf, np.inf, 3000, np.inf],
    )
    plan = plan_for(inputs)

    assert_pool_totals_exact(inputs, plan)
    for p in budget_proposals(plan).values():
        limit = inputs.campaigns.max_daily_spend[p.campaign_index]
        verdict = check_budget(
            current=p.current,
            proposed=p.proposed,
            limits=LIMITS,
            max_daily_spend=Decimal(str(limit)) if np.isfinite(limit) else None,
        )
        assert verdict.ok, f"campaign {p.campaign_index}: {verdict.detail}"
