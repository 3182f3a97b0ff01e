"""A prompt test's rates are compared over ad groups, not impressions: an A/A test is
rarely significant, a real difference is found, and a test that ignored the ad groups
would have cried wolf."""

import numpy as np
import pytest
from scipy import stats

from experiments.stats.power import unit_cv
from experiments.stats.proportions import ratio_lift, ratio_mde, sequential_ratio_lift
from tests.experiments.ad_groups import ad_group_traffic

GROUPS, DAYS = 40, 28


def _split(rng):
    treated = np.zeros(GROUPS, bool)
    treated[rng.choice(GROUPS, GROUPS // 2, replace=False)] = True
    return treated


def _ctr_test(seed, lift=0.0):
    rng = np.random.default_rng(seed)
    treated = _split(rng)
    t = ad_group_traffic(rng, GROUPS, DAYS, ctr_lift=lift, treated=treated)
    return ratio_lift(
        numerator=t["clicks"].sum(axis=1), denominator=t["impressions"].sum(axis=1), treated=treated
    )


def test_an_a_a_prompt_test_is_significant_on_few_seeds():
    significant = sum(_ctr_test(seed).p_value < 0.05 for seed in range(150))
    assert significant / 150 <= 0.07


def test_the_planned_mde_is_found_about_80_percent_of_the_time():
    history = ad_group_traffic(np.random.default_rng(999), GROUPS, DAYS)
    cv = unit_cv(history["clicks"].sum(axis=1), history["impressions"].sum(axis=1))
    mde = ratio_mde(cv=cv, n_treatment=GROUPS // 2, n_control=GROUPS // 2)
    found = sum(_ctr_test(seed, lift=mde).p_value < 0.05 for seed in range(120))
    assert 0.7 <= found / 120 <= 0.95


def test_a_real_ctr_difference_is_found():
    found = sum(_ctr_test(seed, lift=0.8).p_value < 0.05 for seed in range(40))
    assert found / 40 >= 0.8


def test_the_interval_covers_the_true_lift_about_95_percent_of_the_time():
    covered = 0
    for seed in range(150):
        lift = _ctr_test(seed, lift=0.2)
        covered += lift.low < 0.2 < lift.high
    assert 0.92 <= covered / 150 <= 0.985


def test_a_pooled_binomial_test_over_impressions_would_cry_wolf():
    """Why the unit is the ad group: the same A/A data judged as independent impressions."""
    wolves = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        treated = _split(rng)
        t = ad_group_traffic(rng, GROUPS, DAYS, treated=treated)
        clicks, shown = t["clicks"].sum(axis=1), t["impressions"].sum(axis=1)
        table = [
            [clicks[treated].sum(), shown[treated].sum() - clicks[treated].sum()],
            [clicks[~treated].sum(), shown[~treated].sum() - clicks[~treated].sum()],
        ]
        wolves += stats.chi2_contingency(table)[1] < 0.05
    assert wolves / 40 > 0.3


def test_the_rate_is_a_ratio_of_sums_over_each_arms_ad_groups():
    # Treatment converts 60 of 1000 clicks, control 30 of 1000: twice the rate.
    lift = ratio_lift(
        numerator=np.array([20, 40, 10, 20]),
        denominator=np.array([400, 600, 300, 700]),
        treated=np.array([True, True, False, False]),
    )
    assert lift.estimate == pytest.approx(1.0)
    assert lift.low < 1.0 < lift.high


def test_sequential_looks_keep_the_a_a_false_positive_rate():
    fractions = (0.25, 0.5, 0.75, 1.0)
    stopped = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        treated = _split(rng)
        t = ad_group_traffic(rng, GROUPS, DAYS, treated=treated)
        looks = []
        for k in (7, 14, 21, 28):
            looks.append(
                (t["clicks"][:, :k].sum(axis=1), t["impressions"][:, :k].sum(axis=1), treated)
            )
        stopped += sequential_ratio_lift(looks=looks, fractions=fractions).stopped
    assert stopped / 100 <= 0.07


def test_an_early_look_must_be_very_clear():
    rng = np.random.default_rng(1)
    treated = _split(rng)
    t = ad_group_traffic(rng, GROUPS, DAYS, ctr_lift=0.2, treated=treated)
    look = (t["clicks"][:, :7].sum(axis=1), t["impressions"][:, :7].sum(axis=1), treated)
    early = sequential_ratio_lift(looks=[look], fractions=(0.25, 0.5, 0.75, 1.0))
    assert early.boundary_z > 4
    assert (
        early.lift.high - early.lift.low
        > ratio_lift(numerator=look[0], denominator=look[1], treated=treated).high
        - ratio_lift(numerator=look[0], denominator=look[1], treated=treated).low
    )


def test_an_arm_of_one_ad_group_is_refused():
    with pytest.raises(ValueError, match="two ad groups"):
        ratio_lift(
            numerator=np.array([5, 6, 7]),
            denominator=np.array([100, 100, 100]),
            treated=np.array([True, False, False]),
        )
