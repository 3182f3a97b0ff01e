import numpy as np
import pytest

from experiments.stats.randomization import p_value_at, reference_for
from experiments.stats.sequential import (
    boundaries,
    obrien_fleming_spent,
    sequential_lift,
    sequential_stop,
)
from tests.experiments.holdouts import unequal_campaigns

WEEKLY = [0.25, 0.5, 0.75, 1.0]


def test_boundaries_match_the_published_lan_demets_obrien_fleming_values():
    # gsDesign / ldbounds: 4 equally spaced looks, two-sided alpha 0.05.
    b = boundaries(WEEKLY)
    assert b == pytest.approx([4.333, 2.963, 2.359, 2.014], abs=0.01)


def test_one_look_at_the_end_is_the_plain_test():
    assert boundaries([1.0])[0] == pytest.approx(1.95996, abs=1e-3)
    assert obrien_fleming_spent(1.0) == pytest.approx(0.05)


def test_weekly_looks_with_the_boundary_keep_alpha_and_naive_peeking_does_not():
    rng = np.random.default_rng(7)
    looks = np.array(WEEKLY)
    increments = rng.normal(0, np.sqrt(np.diff(np.concatenate([[0], looks]))), (40000, 4))
    z = np.cumsum(increments, axis=1) / np.sqrt(looks)
    sequential = (np.abs(z) >= boundaries(looks)).any(axis=1).mean()
    naive = (np.abs(z) >= 1.96).any(axis=1).mean()
    assert sequential <= 0.055
    assert naive > 0.10


def _noisy_weeks():
    # Week-to-week noise dominates, so the looks differ and peeking has room to mislead.
    return unequal_campaigns(seed=0, drift=0.02, weekly_noise=0.15)


def test_the_randomisation_readout_looked_at_weekly_keeps_alpha_and_peeking_does_not():
    holdout = _noisy_weeks()
    stopped, naive = [], []
    for rep in range(300):
        arms, looks = holdout.split(seed=rep)
        reference = reference_for(
            pre=holdout.pre, posts=looks, arms=arms, strata=holdout.strata, draws=400, seed=rep
        )
        stopped.append(sequential_stop(reference, WEEKLY)[0])
        naive.append(any(p_value_at(reference, 0.0, look) <= 0.05 for look in range(4)))
    assert np.mean(stopped) <= 0.075
    assert np.mean(naive) >= np.mean(stopped) + 0.03


def test_the_repeated_interval_covers_the_true_lift_at_every_look_at_once():
    holdout = _noisy_weeks()
    covered_throughout, stopped_at = [], []
    for rep in range(60):
        arms, looks = holdout.split(seed=rep, lift=0.15)
        covered = True
        for taken in range(1, 5):
            readout = sequential_lift(
                pre=holdout.pre,
                posts=looks[:taken],
                arms=arms,
                fractions=WEEKLY,
                strata=holdout.strata,
                draws=400,
                seed=rep,
            )
            covered &= readout.lift.low <= 0.15 <= readout.lift.high
            if readout.stopped:
                break
        covered_throughout.append(covered)
        stopped_at.append(readout.look if readout.stopped else None)
    assert np.mean(covered_throughout) >= 0.9
    # A real 15 % lift is caught, often before the last week.
    assert np.mean([look is not None for look in stopped_at]) >= 0.8
    assert np.mean([look is not None and look < 3 for look in stopped_at]) >= 0.2


def test_a_look_not_yet_able_to_reject_reports_an_interval_no_narrower_than_the_end():
    holdout = _noisy_weeks()
    arms, looks = holdout.split(seed=3, lift=0.05)
    plan = dict(pre=holdout.pre, arms=arms, fractions=WEEKLY, strata=holdout.strata, seed=3)
    early = sequential_lift(posts=looks[:2], **plan).lift
    last = sequential_lift(posts=looks, **plan).lift
    assert early.high - early.low > last.high - last.low
