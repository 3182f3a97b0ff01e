"""A budget change resting on an assumed response (the campaign's spend never moved, so its
own data cannot measure the elasticity) says so in its reason, is at least medium risk,
and takes half the cap unless it pays in nearly every response the assumption allows."""

from decimal import Decimal

import numpy as np

from campaigns.guardrails import PolicyLimits
from campaigns.models import Autonomy
from optimizer.pipeline import plan_account
from tests.optimizer.builders import account_inputs

# A lenient approval threshold, as in the demo: a full ±30 % step alone would be low risk.
LIMITS = PolicyLimits(approval_threshold_pct=Decimal("30"))


def plan(roas):
    inputs = account_inputs([5000] * len(roas), roas=roas)
    return plan_account(inputs, limits=LIMITS, autonomy=Autonomy.AUTO_LOW_RISK)


def test_a_change_on_an_assumed_response_is_medium_risk_and_needs_a_person():
    proposals = plan([6.0, 1.5]).proposals

    assert proposals
    for p in proposals:
        assert p.evidence["response"]["data_driven"] is False
        assert p.risk == "medium"
        assert p.requires_approval


def test_the_reason_says_in_words_that_the_change_rests_on_an_assumption():
    for p in plan([6.0, 1.5]).proposals:
        assert "rests on an assumed response" in p.reason
        assert "not this campaign's own data" in p.reason
        assert "sure this raises conversion value" in p.reason


def test_a_clear_case_takes_the_full_step_and_says_why():
    steps = {p.campaign_index: p for p in plan([6.0, 1.5]).proposals}

    assert steps[0].change_pct == 30.0 and steps[1].change_pct == -30.0
    assert "it takes the full step because it pays in" in steps[0].reason


def test_a_doubtful_case_takes_half_the_cap_and_says_so():
    # Ten campaigns of ROAS 1…10: the middle ones are not clearly above or below the margin.
    proposals = plan(list(np.linspace(1, 10, 10))).proposals
    halved = [p for p in proposals if p.evidence["response"]["step_share"] < 1]

    assert halved
    for p in halved:
        assert abs(p.change_pct) <= 15.0
        assert "the step is held to ±15 %, 50 % of the ±30 % cap" in p.reason
