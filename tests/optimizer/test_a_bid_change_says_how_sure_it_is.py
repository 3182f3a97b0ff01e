"""A bid change's confidence is the probability that the ad group really is on the side of
its target the step assumes, from the week's day-to-day noise; the reason says it."""

import numpy as np

from campaigns.guardrails import PolicyLimits
from optimizer.bids import plan_bids
from tests.optimizer.builders import Group, account_inputs


def bid_proposal(*, noise, target_cpa):
    inputs = account_inputs(
        [5000], roas=6.0, noise=noise, lag=False, groups=[Group(0, bid=15.50)],
        target_cpa=[target_cpa],
    )  # fmt: skip
    proposals, _ = plan_bids(
        inputs, inputs.ad_group_metrics, PolicyLimits(), skip_campaigns=np.zeros(1, bool)
    )
    (proposal,) = proposals
    return proposal


def test_a_cpa_far_below_its_target_is_a_near_certain_raise():
    p = bid_proposal(noise=0.2, target_cpa=1000)  # CPA about 250

    assert p.confidence > 0.99
    assert "sure the ad group's CPA really is on that side of its target" in p.reason


def test_a_noisy_week_near_the_target_is_less_sure():
    far = bid_proposal(noise=0.2, target_cpa=1000)
    near = bid_proposal(noise=0.6, target_cpa=320)

    assert 0.5 < near.confidence < far.confidence
