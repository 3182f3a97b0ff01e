import numpy as np

from experiments.stats.assignment import switchback_schedule, switchback_splits
from experiments.stats.lift import randomization_lift


def _campaign_periods(seed, lift=0.0, campaigns=8, periods=6):
    """Value per campaign-period (unit by unit), its pre-period share, and the schedule."""
    rng = np.random.default_rng(100)  # the same account every time; only the schedule varies
    size = rng.lognormal(0, 1.0, campaigns)
    value = size[:, None] * np.exp(rng.normal(0, 0.08, (campaigns, periods)))
    pre = np.repeat(size, periods) * np.exp(rng.normal(0, 0.03, campaigns * periods))
    schedule = switchback_schedule(campaigns, periods, seed=seed).ravel()
    return pre, value.ravel() * np.where(schedule == 1, 1 + lift, 1.0), schedule


def test_the_re_drawn_schedules_are_schedules_the_design_makes():
    splits = switchback_splits(6, 4, draws=200, seed=1).reshape(200, 6, 4)
    assert (splits.sum(axis=1) == 3).all()  # every period half applied, half held
    assert (np.abs(np.diff(splits.astype(int), axis=2)) == 1).all()  # each one alternates


def test_an_a_a_switchback_is_rarely_significant_and_a_real_lift_shows():
    # 8 campaigns make only 70 distinct schedules, so the exact test is a little strict.
    splits = switchback_splits(8, 6, draws=400, seed=7)
    significant, found = [], []
    for rep in range(120):
        pre, post, arms = _campaign_periods(seed=rep)
        significant.append(
            randomization_lift(pre=pre, post=post, arms=arms, assignments=splits).p_value <= 0.05
        )
        pre, post, arms = _campaign_periods(seed=rep, lift=0.15)
        lift = randomization_lift(pre=pre, post=post, arms=arms, assignments=splits)
        found.append(lift.low <= 0.15 <= lift.high and lift.p_value <= 0.05)
    assert np.mean(significant) <= 0.08
    assert np.mean(found) >= 0.8
