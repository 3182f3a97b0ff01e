"""Minimum detectable effect and power of a relative lift between two arms of units."""

import numpy as np
from scipy import stats


def unit_cv(unit_totals: np.ndarray, pre_totals: np.ndarray | None = None) -> float:
    """Coefficient of variation of what the estimate compares per unit.

    With a pre-period the estimate is a difference-in-differences, so what varies is
    each unit's post total once its pre total (scaled to the arm ratio) is taken out.
    """
    y = np.asarray(unit_totals, dtype=float)
    if pre_totals is None:
        return float(y.std(ddof=1) / y.mean())
    x = np.asarray(pre_totals, dtype=float)
    residual = y - x * (y.sum() / x.sum())
    return float(residual.std(ddof=1) / y.mean())


def minimum_detectable_effect(
    *, cv: float, n_treatment: int, n_control: int, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Smallest relative lift detected with `power` by a two-sided test at `alpha`."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z * cv * np.sqrt(1 / n_treatment + 1 / n_control))


def power_at(
    *, effect: float, cv: float, n_treatment: int, n_control: int, alpha: float = 0.05
) -> float:
    """Probability that a two-sided test at `alpha` detects a relative lift `effect`."""
    se = cv * np.sqrt(1 / n_treatment + 1 / n_control)
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z - abs(effect) / se) + stats.norm.cdf(-z - abs(effect) / se))
