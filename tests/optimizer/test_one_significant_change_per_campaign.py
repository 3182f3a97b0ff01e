"""One significant change per campaign per run: of a campaign's ad groups, one bid moves
(the largest expected gain) and the others are held with the reason. (A campaign whose
budget moves gets no bid: tests/optimizer/test_pipeline_guardrails.py.) Pure: no database."""

import numpy as np

from campaigns.guardrails import PolicyLimits
from optimizer.bids import plan_bids
from tests.optimizer.builders import Group, account_inputs

LIMITS = PolicyLimits()


def test_of_many_ad_groups_of_one_campaign_only_the_best_bid_moves():
    groups = [Group(0, bid=15.50, roas=r) for r in (12.0, 9.0, 14.0)]  # all far above target
    inputs = account_inputs([5000], roas=6.0, noise=0.0, lag=False, groups=groups, target_roas=[3])

    proposals, holds = plan_bids(
        inputs, inputs.ad_group_metrics, LIMITS, skip_campaigns=np.zeros(1, bool)
    )

    (moved,) = proposals
    assert moved.ad_group_index == 2  # the largest expected gain
    held = {h.index: h.reason for h in holds}
    assert set(held) == {0, 1}
    assert all("one significant change per campaign per run" in r for r in held.values())


def test_bids_of_different_campaigns_still_move_in_the_same_run():
    groups = [Group(0, bid=15.50), Group(1, bid=15.50)]
    inputs = account_inputs(
        [5000, 5000], roas=6.0, noise=0.0, lag=False, groups=groups, target_cpa=[1000, 1000]
    )

    proposals, _ = plan_bids(
        inputs, inputs.ad_group_metrics, LIMITS, skip_campaigns=np.zeros(2, bool)
    )

    assert {p.campaign_index for p in proposals} == {0, 1}
