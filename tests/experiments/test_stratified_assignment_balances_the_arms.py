import numpy as np

from experiments.stats.assignment import (
    choose_design,
    pair_strata,
    stratified_assignment,
    switchback_schedule,
)
from experiments.stats.randomization import rerandomize


def test_arms_are_alike_in_spend_and_roas_and_the_same_seed_gives_the_same_split():
    rng = np.random.default_rng(1)
    spend, roas = rng.lognormal(8, 1.2, 40), rng.lognormal(1, 0.5, 40)
    arms = stratified_assignment(spend, roas, seed=11)
    assert arms.sum() == 20
    assert np.array_equal(arms, stratified_assignment(spend, roas, seed=11))
    assert not np.array_equal(arms, stratified_assignment(spend, roas, seed=12))
    # Far tighter than a simple random split, whose spend ratio often misses by 30 %+.
    ratio = spend[arms == 1].sum() / spend[arms == 0].sum()
    assert 0.85 < ratio < 1.15
    assert abs(np.median(roas[arms == 1]) / np.median(roas[arms == 0]) - 1) < 0.25


def test_few_campaigns_get_a_switchback_that_says_why():
    design = choose_design(6)
    assert design.name == "SWITCHBACK" and "Only 6 campaigns" in design.reason
    assert choose_design(30).name == "HOLDOUT"
    schedule = switchback_schedule(6, 4, seed=2)
    assert (schedule.sum(axis=0) == 3).all()  # every period half applied, half held
    assert (np.abs(np.diff(schedule, axis=1)) == 1).all()  # each campaign alternates


def test_the_readout_re_draws_splits_the_design_could_have_made():
    rng = np.random.default_rng(2)
    spend, roas = rng.lognormal(8, 1.2, 30), rng.lognormal(1, 0.5, 30)
    strata = pair_strata(spend, roas)
    arms = stratified_assignment(spend, roas, seed=4)
    # The assignment splits every pair of the strata ...
    assert all(arms[strata == s].sum() == 1 for s in np.unique(strata))
    # ... and so does every re-drawn split, each pair going both ways across the draws.
    draws = rerandomize(arms, strata=strata, draws=500, seed=1)
    for s in np.unique(strata):
        members = strata == s
        assert (draws[:, members].sum(axis=1) == 1).all()
        assert 0.35 < draws[:, np.flatnonzero(members)[0]].mean() < 0.65
