"""Diminishing-returns response curves of one simulated day, and the optimal budget split.

Every ad group converts spend into conversions along a saturating exponential::

    spend       = min(campaign_budget * weight, spend_cap)
    conversions = max_conversions * (1 - exp(-spend / spend_scale))
    value       = conversions * value_per_conversion

`weight` is the ad group's share of its campaign's budget (zero when the ad group or
its campaign is paused) and `spend_cap` is what the ad group's demand can absorb; budget
above it is simply not spent. Because each campaign's value is a sum of concave
functions of its budget, the best split of a total budget is found exactly by
water-filling on the marginal value of one more unit of currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Budgets are solved to a hundredth of a currency unit (the paisa).
_BUDGET_TOLERANCE = 1e-2
# The marginal value that balances the split is searched on a log grid of 5 points, each
# round narrowing the bracket 4-fold; 9 rounds reach 1e-4 relative precision, where the
# value lost is of the order of 1e-8 (it is second order). Five points minimise work per
# unit of precision (points / log(points - 1)) for large worlds.
_GRID_POINTS = 5
_GRID_ROUNDS = 9
# exp(-60) is 1e-26: treat anything smaller as zero and keep numpy off slow denormal paths.
_EXP_FLOOR = -60.0


@dataclass(frozen=True)
class ResponseCurves:
    """Noise-free response parameters of every ad group on one day (arrays of length N)."""

    campaign_index: np.ndarray
    n_campaigns: int
    weight: np.ndarray
    max_conversions: np.ndarray
    spend_scale: np.ndarray
    spend_cap: np.ndarray
    value_per_conversion: np.ndarray

    def ad_group_spend(self, budgets: np.ndarray) -> np.ndarray:
        """Spend of every ad group when campaigns get `budgets` (length n_campaigns)."""
        return np.minimum(budgets[self.campaign_index] * self.weight, self.spend_cap)

    def conversions(self, spend: np.ndarray) -> np.ndarray:
        """Expected conversions of every ad group at the given ad group spend."""
        return self.max_conversions * -np.expm1(-spend / self.spend_scale)

    def campaign_values(self, budgets: np.ndarray) -> np.ndarray:
        """Expected conversion value of every campaign."""
        value = self.conversions(self.ad_group_spend(budgets)) * self.value_per_conversion
        return np.bincount(self.campaign_index, weights=value, minlength=self.n_campaigns)

    def campaign_spend(self, budgets: np.ndarray) -> np.ndarray:
        """Expected spend of every campaign (below budget where demand saturates)."""
        spend = self.ad_group_spend(budgets)
        return np.bincount(self.campaign_index, weights=spend, minlength=self.n_campaigns)

    def total_value(self, budgets: np.ndarray) -> float:
        """Expected conversion value of the whole account."""
        return float(self.campaign_values(budgets).sum())

    def marginal_values(self, budgets: np.ndarray) -> np.ndarray:
        """Value of one more unit of budget for every campaign (0 once it is saturated).

        `budgets` may also be a stack of budget vectors, shape (k, n_campaigns).
        """
        slope0, rate, saturation = self._marginal_terms
        regular = isinstance(self._grouping, int)
        # Regular worlds broadcast to (..., campaigns, ad groups per campaign): no gather.
        per_group = budgets[..., None] if regular else budgets[..., self.campaign_index]
        exponent = np.minimum(per_group * rate, -_EXP_FLOOR)
        slope = np.where(per_group < saturation, slope0 * np.exp(-exponent), 0.0)
        return slope.sum(axis=-1) if regular else self._per_campaign(slope)

    @cached_property
    def _marginal_terms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per ad group: marginal value at zero, decay per unit of campaign budget, and the
        campaign budget at which the ad group saturates (shaped for `marginal_values`)."""
        slope0 = self.value_per_conversion * self.max_conversions * self.weight / self.spend_scale
        rate = self.weight / self.spend_scale
        with np.errstate(divide="ignore"):
            saturation = np.where(self.weight > 0, self.spend_cap / self.weight, 0.0)
        if isinstance(self._grouping, int):
            shape = (self.n_campaigns, self._grouping)
            return slope0.reshape(shape), rate.reshape(shape), saturation.reshape(shape)
        return slope0, rate, saturation

    @cached_property
    def _grouping(self) -> tuple[np.ndarray, np.ndarray] | int:
        """How to sum per campaign: a group size if ad groups are contiguous and equal in
        number per campaign (a reshape), else (order, segment starts) for reduceat."""
        n = len(self.campaign_index)
        if n % self.n_campaigns == 0:
            size = n // self.n_campaigns
            if np.array_equal(self.campaign_index, np.repeat(np.arange(self.n_campaigns), size)):
                return size
        order = np.argsort(self.campaign_index, kind="stable")
        starts = np.searchsorted(self.campaign_index[order], np.arange(self.n_campaigns))
        return order, starts

    def _per_campaign(self, values: np.ndarray) -> np.ndarray:
        """Sum ad-group values (last axis) per campaign, for irregular worlds."""
        if values.ndim == 1:
            return np.bincount(self.campaign_index, weights=values, minlength=self.n_campaigns)
        order, starts = self._grouping
        # Every campaign has at least one ad group, so no reduceat segment is empty.
        return np.add.reduceat(values[..., order], starts, axis=-1)

    def saturation_budgets(self) -> np.ndarray:
        """Smallest budget at which every ad group of a campaign hits its spend cap."""
        out = np.zeros(self.n_campaigns)
        spending = self.weight > 0
        ratio = self.spend_cap[spending] / self.weight[spending]
        np.maximum.at(out, self.campaign_index[spending], ratio)
        return out

    def optimal_budgets(self, total: float) -> np.ndarray:
        """Split `total` across campaigns to maximise expected conversion value.

        Water-filling: find the marginal value `lam` at which the campaigns' budgets
        (each the largest budget whose marginal value is still >= lam) add up to the
        total. Campaigns that cannot spend (paused) get nothing.
        """
        saturation = self.saturation_budgets()
        if total <= 0 or saturation.sum() <= 0:
            return np.zeros(self.n_campaigns)
        if total >= saturation.sum():
            # Everything saturates; the excess is unspendable, park it pro rata.
            return saturation * (total / saturation.sum())

        def budgets_at(lams: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
            """Budgets (len(lams), n_campaigns) whose marginal value is just above each lam,
            searched between known bounds lo <= budget <= hi."""
            lo = np.broadcast_to(lo, (len(lams), self.n_campaigns)).copy()
            hi = np.broadcast_to(hi, lo.shape).copy()
            while (hi - lo).max() > _BUDGET_TOLERANCE:
                mid = (lo + hi) / 2
                ok = self.marginal_values(mid) >= lams[:, None]
                lo = np.where(ok, mid, lo)
                hi = np.where(ok, hi, mid)
            return lo

        top = float(self.marginal_values(np.zeros(self.n_campaigns)).max()) * 1.01 + 1e-12
        log_lo, log_hi = np.log(top * 1e-12), np.log(top)
        # Budgets fall as lam rises: B(log_hi) <= B(lam) <= B(log_lo) for lam in the bracket.
        low_budgets, high_budgets = np.zeros(self.n_campaigns), saturation
        for _ in range(_GRID_ROUNDS):
            grid = np.linspace(log_lo, log_hi, _GRID_POINTS)
            budgets = budgets_at(np.exp(grid), low_budgets, high_budgets)
            over = np.nonzero(budgets.sum(axis=1) > total)[0]
            i = min(int(over[-1]) if len(over) else 0, _GRID_POINTS - 2)
            log_lo, log_hi = grid[i], grid[i + 1]
            low_budgets = budgets[i + 1]
            high_budgets = np.minimum(budgets[i] + _BUDGET_TOLERANCE, saturation)
        budgets = low_budgets
        spent = budgets.sum()
        if spent > 0:
            # The search leaves a sliver unallocated; spread it so the total matches.
            budgets = budgets * (total / spent)
        return budgets
