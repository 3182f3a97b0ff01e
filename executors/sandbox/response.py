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

import numpy as np

# Bisection depths: 2**-44 of the range is far below a paisa for any realistic budget.
_INNER_STEPS = 44
_OUTER_STEPS = 56


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
        """Value of one more unit of budget for every campaign (0 once it is saturated)."""
        raw = budgets[self.campaign_index] * self.weight
        slope = (
            self.value_per_conversion
            * self.max_conversions
            * self.weight
            / self.spend_scale
            * np.exp(-raw / self.spend_scale)
        )
        slope = np.where(raw < self.spend_cap, slope, 0.0)
        return np.bincount(self.campaign_index, weights=slope, minlength=self.n_campaigns)

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

        def budgets_at(lam: float) -> np.ndarray:
            lo = np.zeros(self.n_campaigns)
            hi = saturation.copy()
            for _ in range(_INNER_STEPS):
                mid = (lo + hi) / 2
                ok = self.marginal_values(mid) >= lam
                lo = np.where(ok, mid, lo)
                hi = np.where(ok, hi, mid)
            return lo

        lam_hi = float(self.marginal_values(np.zeros(self.n_campaigns)).max()) * 1.01 + 1e-12
        lam_lo = lam_hi * 1e-12
        for _ in range(_OUTER_STEPS):
            lam = (lam_lo * lam_hi) ** 0.5
            if budgets_at(lam).sum() > total:
                lam_lo = lam
            else:
                lam_hi = lam
        budgets = budgets_at(lam_hi)
        spent = budgets.sum()
        if spent > 0:
            # The bisection leaves a sliver unallocated; spread it so the total matches.
            budgets = budgets * (total / spent)
        return budgets
