"""CPA and ROAS A/A tests: the jackknife t judged against re-drawn splits keeps its 5 %, even
where the plain jackknife t table does not (few, very unequal campaigns, one of them big)."""

import numpy as np

from experiments.stats.assignment import pair_strata, stratified_assignment
from experiments.stats.randomization import design_splits
from experiments.stats.ratio import RatioTotals, deal_buckets, jackknife_ratio, ratio_lift

SPLITS = 400


def unequal_account(seed=0, campaigns=24):
    """Cost and conversions per campaign: pre-period and experiment (one look), each
    campaign's CPA drifting by its own few per cent."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.0, campaigns)
    size[np.argmax(size)] = 0.25 * (size.sum() - size.max())
    cpa = rng.lognormal(3, 0.3, campaigns)
    pre_conv = size * 400
    conv = pre_conv * np.exp(rng.normal(0, 0.08, campaigns))
    pre_cost = pre_conv * cpa * np.exp(rng.normal(0, 0.08, campaigns))
    cost = conv * cpa * np.exp(rng.normal(0, 0.08, campaigns))
    totals = RatioTotals(pre_cost, pre_conv, cost[None], conv[None])
    return totals, pair_strata(pre_cost, pre_conv / pre_cost)


def test_a_a_cpa_tests_come_out_significant_at_most_5_percent_of_the_time():
    totals, strata = unequal_account()
    spend, roas = totals.pre_numerator, totals.pre_denominator / totals.pre_numerator
    splits = design_splits(strata, draws=1000, seed=1)
    significant = [
        ratio_lift(
            totals,
            arms=stratified_assignment(spend, roas, seed=rep),
            assignments=splits,
            groups=strata,
            seed=rep,
        ).p_value
        <= 0.05
        for rep in range(SPLITS)
    ]
    # 5 % of 400 splits is 20 +- 4.4; allow two errors.
    assert np.mean(significant) <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / SPLITS)


def test_a_real_cpa_change_is_covered_by_the_interval():
    totals, strata = unequal_account(seed=2)
    spend, roas = totals.pre_numerator, totals.pre_denominator / totals.pre_numerator
    splits = design_splits(strata, draws=1000, seed=3)
    covered = []
    for rep in range(200):
        arms = stratified_assignment(spend, roas, seed=rep)
        cheaper = RatioTotals(
            totals.pre_numerator,
            totals.pre_denominator,
            totals.numerators,
            totals.denominators * np.where(arms == 1, 1.25, 1.0),  # CPA down by 20 %
        )
        lift = ratio_lift(cheaper, arms=arms, assignments=splits, groups=strata, seed=rep)
        covered.append(lift.low <= 1 / 1.25 - 1 <= lift.high)
    assert 0.9 <= np.mean(covered) <= 0.99


def test_the_jackknife_deletes_a_pair_as_one_bucket():
    arms = np.array([1, 0, 1, 0, 0, 1, 1, 0], dtype=bool)
    strata = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    buckets = deal_buckets(arms.size, strata, buckets=20)
    assert all(len(set(buckets[strata == s])) == 1 for s in range(4))
    ones = np.ones(arms.size)
    estimate, se = jackknife_ratio(RatioTotals(ones, ones, ones[None], ones[None]), arms, buckets)
    assert estimate[0, 0] == 0 and se[0, 0] == 0
