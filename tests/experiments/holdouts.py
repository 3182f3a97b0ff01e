"""A small simulated holdout: one fixed set of campaigns, re-split as often as a test likes.

Like the sandbox account it mimics, campaigns are few and very unequal (the biggest holds
about a fifth of the value), and each campaign's value drifts from one four-week window
to the next by its own few per cent whatever its size. Readouts are judged over the
splits, the way the design justifies them.
"""

from dataclasses import dataclass

import numpy as np

from experiments.stats.assignment import pair_strata, stratified_assignment


@dataclass(frozen=True)
class Holdout:
    history: np.ndarray  # conversion value per campaign in the window before the pre-period
    pre: np.ndarray  # ... in the pre-period
    weeks: np.ndarray  # (weeks, campaigns): conversion value per week of the experiment
    spend: np.ndarray  # spend in the pre-period
    roas: np.ndarray

    @property
    def strata(self) -> np.ndarray:
        return pair_strata(self.spend, self.roas)

    def split(self, seed: int, lift: float = 0.0):
        """arms, cumulative value at each weekly look (treatment multiplied by 1 + lift)."""
        arms = stratified_assignment(self.spend, self.roas, seed=seed)
        looks = np.cumsum(self.weeks, axis=0) * np.where(arms == 1, 1 + lift, 1.0)
        return arms, looks


def unequal_campaigns(
    seed: int = 0, campaigns: int = 24, drift: float = 0.09, weekly_noise: float = 0.05
) -> Holdout:
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.0, campaigns)
    size[np.argmax(size)] = 0.25 * (size.sum() - size.max())  # the dominant one: ~20 %
    # Each four-week window's value is the previous one's times the campaign's own drift.
    history = size * 4000
    pre = history * np.exp(rng.normal(0, drift, campaigns))
    during = pre * np.exp(rng.normal(0, drift, campaigns))
    weeks = during / 4 * np.exp(rng.normal(0, weekly_noise, (4, campaigns)))
    roas = rng.lognormal(1, 0.3, campaigns)
    return Holdout(history=history, pre=pre, weeks=weeks, spend=pre / roas, roas=roas)
