"""The bid step (optimizer.bids.plan_bids): toward the campaign's target CPA or ROAS, in
bounded steps, with the quality score considered and thin evidence held."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.guardrails import PolicyLimits, check_bid
from optimizer.bids import plan_bids
from tests.optimizer.builders import Group, account_inputs

LIMITS = PolicyLimits()
# Every ad group spends ₹5,000 a day at ₹20 a click (250 clicks) and ₹1,500 an order:
# at ROAS 6 that is 20 orders a day and a CPA of ₹250.


def bids(groups, *, limits=LIMITS, skip=(), campaigns=1, **campaign_fields):
    inputs = account_inputs([5000] * campaigns, roas=6.0, noise=0.0, lag=False, groups=groups,
                            **campaign_fields)  # fmt: skip
    skip_mask = np.isin(np.arange(campaigns), list(skip))
    return plan_bids(inputs, inputs.ad_group_metrics, limits, skip_campaigns=skip_mask)


def one_bid(groups, **kwargs):
    proposals, holds = bids(groups, **kwargs)
    assert holds == []
    (proposal,) = proposals
    return proposal


def test_an_ad_group_cheaper_than_the_target_cpa_gets_a_full_step_up():
    p = one_bid([Group(0, bid=15.50)], target_cpa=[1000])  # CPA 250 against 1,000

    assert p.current == Decimal("15.50")
    assert p.proposed == Decimal("17.05")  # +10 %, the policy's step
    assert p.evidence["step_pct"] == 10.0
    assert p.evidence["cpa"] == pytest.approx(250.0)
    assert p.evidence["target_cpa"] == 1000.0
    assert "CPA 250.00 against the target 1,000.00" in p.reason


def test_an_ad_group_dearer_than_the_target_cpa_gets_a_full_step_down():
    p = one_bid([Group(0, bid=15.50)], target_cpa=[100])  # CPA 250 against 100

    assert p.proposed == Decimal("13.95")  # −10 %
    assert p.reason.startswith("Lower the bid 15.50 → 13.95")


def test_a_small_gap_moves_the_bid_by_half_the_gap():
    limits = PolicyLimits(max_bid_change_pct=Decimal("25"))
    p = one_bid([Group(0, bid=20.00)], target_cpa=[312.50], limits=limits)  # gap +25 %

    assert p.proposed == Decimal("22.50")  # +12.5 %


def test_within_fifteen_percent_of_the_target_the_bid_is_left_alone():
    proposals, holds = bids([Group(0)], target_cpa=[280])  # CPA 250: 12 % under target

    assert proposals == [] and holds == []


@pytest.mark.parametrize(("target_roas", "up"), [(3.0, True), (12.0, False)])
def test_a_target_roas_sets_the_direction(target_roas, up):
    p = one_bid([Group(0)], target_roas=[target_roas])  # actual ROAS 6

    assert (p.proposed > p.current) is up
    assert "against the target" in p.reason


def test_a_target_cpa_takes_precedence_over_a_target_roas():
    # CPA 250 is well under 1,000 (raise) while ROAS 6 is under 12 (lower): CPA decides.
    p = one_bid([Group(0)], target_cpa=[1000], target_roas=[12.0])

    assert p.proposed > p.current


def test_without_targets_ad_groups_are_judged_against_their_campaigns_own_roas():
    # Equal spend at ROAS 9 and 3: the campaign's ROAS is 6.
    proposals, holds = bids([Group(0, roas=9.0), Group(0, roas=3.0)])

    (raised,) = proposals  # one bid per campaign per run: the larger expected gain
    assert raised.ad_group_index == 0
    assert raised.proposed > raised.current
    assert "against the campaign's own 6.00" in raised.reason
    assert "one significant change per campaign per run" in holds[0].reason


def test_a_low_quality_score_blocks_a_raise_with_the_reason():
    proposals, holds = bids([Group(0, quality_score=4)], target_cpa=[1000])

    assert proposals == []
    (hold,) = holds
    assert hold.target == "ad_group" and hold.index == 0
    assert "suggests a higher bid, but the quality score is 4/10" in hold.reason


def test_a_low_quality_score_does_not_block_a_cut():
    p = one_bid([Group(0, quality_score=2)], target_cpa=[100])

    assert p.proposed < p.current


def test_an_average_quality_score_raises_by_half_a_step():
    p = one_bid([Group(0, bid=15.50, quality_score=6)], target_cpa=[1000])

    assert p.proposed == Decimal("16.27")  # +5 % is 16.275: rounded toward the current bid
    assert "quality score 6/10" in p.reason


def test_an_unknown_quality_score_does_not_hold_a_raise():
    p = one_bid([Group(0, bid=15.50, quality_score=np.nan)], target_cpa=[1000])

    assert p.proposed == Decimal("17.05")


def test_too_few_clicks_hold_with_the_counts():
    # ₹1,000 a click: 5 clicks a day, 35 in the 7-day window.
    proposals, holds = bids([Group(0, cpc=1000.0)], target_cpa=[1000])

    assert proposals == []
    (hold,) = holds
    assert "35 clicks" in hold.reason
    assert "too few to judge the bid" in hold.reason


def test_a_campaign_whose_budget_changes_in_this_run_holds_its_bids():
    proposals, holds = bids([Group(0)], target_cpa=[1000], skip=[0])

    assert proposals == []
    (hold,) = holds
    assert "budget changes in this run" in hold.reason


@pytest.mark.parametrize(
    "fields",
    [
        {"pinned": [True]},
        {"cooling_down": [True]},
        {"active": [False]},
    ],
    ids=["pinned", "cooling-down", "inactive"],
)
def test_a_campaign_set_aside_gets_no_bid_change_and_no_second_hold(fields):
    proposals, holds = bids([Group(0)], target_cpa=[1000], **fields)

    assert proposals == [] and holds == []  # its campaign-level hold explains it


def test_a_paused_ad_group_gets_no_bid_change():
    proposals, holds = bids([Group(0, active=False)], target_cpa=[1000])

    assert proposals == [] and holds == []


@settings(max_examples=200, deadline=None)
@given(
    bid_cents=st.integers(1, 1_000_000),
    cap=st.integers(1, 5000).map(lambda bp: Decimal(bp) / 100),
    target_cpa=st.floats(10.0, 5000.0),
    quality=st.sampled_from([np.nan, 5.0, 7.0, 8.0, 10.0]),
)
def test_a_proposed_bid_always_passes_the_executors_bid_rule(bid_cents, cap, target_cpa, quality):
    bid = bid_cents / 100
    limits = PolicyLimits(max_bid_change_pct=cap)
    proposals, _ = bids(
        [Group(0, bid=bid, quality_score=quality)], target_cpa=[target_cpa], limits=limits
    )

    for p in proposals:
        assert abs(p.proposed - p.current) / p.current * 100 <= cap
        assert check_bid(current=p.current, proposed=p.proposed, limits=limits).ok
        # Toward the target: cheaper than it (CPA 250) means up, dearer means down.
        assert (p.proposed > p.current) is (target_cpa > 250)
