"""Rates per click or impression between two arms of ad groups: CTR, conversion rate, value
per click.

An arm's rate is a ratio of sums (clicks / impressions over all its ad groups). Impressions
within one ad group are not independent draws (one ad group's audience, position and
keywords lift or sink all of them together), so the binomial standard error of a pooled
proportion is far too small: the unit is the ad group. The variance of each arm's log
rate is the delete-one-ad-group jackknife (the ratio estimator's cluster-robust variance),
and the test is a t on the smaller arm's ad groups less one, reported as the equivalent z
so it can be judged against the same alpha-spending boundaries as every other readout
(experiments/stats/sequential.py).
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from experiments.stats.power import minimum_detectable_effect
from experiments.stats.sequential import boundaries, nominal_alpha


@dataclass(frozen=True)
class RatioLift:
    estimate: float  # relative lift of treatment's rate over control's, 0.05 = +5 %
    low: float
    high: float
    p_value: float
    z: float  # the equivalent two-sided z of the t statistic
    se_log: float
    df: int


def _jackknife_var_log_ratio(numerator: np.ndarray, denominator: np.ndarray) -> float:
    """Delete-one-unit jackknife variance of log(sum numerator / sum denominator)."""
    g = numerator.size
    total_n, total_d = numerator.sum(), denominator.sum()
    left_n, left_d = total_n - numerator, total_d - denominator
    if np.any(left_n <= 0) or np.any(left_d <= 0):
        return math.inf  # one ad group carries all of it: no spread can be measured
    leave_out = np.log(left_n / left_d)
    return float((g - 1) / g * ((leave_out - leave_out.mean()) ** 2).sum())


def ratio_lift(
    *,
    numerator: np.ndarray,
    denominator: np.ndarray,
    treated: np.ndarray,
    alpha: float = 0.05,
) -> RatioLift:
    """Lift in sum(numerator) / sum(denominator) of the treated ad groups over the others,
    with a (1 - alpha) interval; `alpha` is the nominal level of the look being read."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    arms = [
        (numerator[treated], denominator[treated]),
        (numerator[~treated], denominator[~treated]),
    ]
    if min(n.size for n, _ in arms) < 2:
        raise ValueError("each arm needs at least two ad groups")
    if any(n.sum() <= 0 or d.sum() <= 0 for n, d in arms):
        raise ValueError("an arm has no events to compare")
    log_t, log_c = (math.log(n.sum() / d.sum()) for n, d in arms)
    se = math.sqrt(sum(_jackknife_var_log_ratio(n, d) for n, d in arms))
    df = min(n.size for n, _ in arms) - 1
    difference = log_t - log_c
    if se == 0 or not math.isfinite(se):
        p, z = (1.0, 0.0) if not math.isfinite(se) else (0.0, math.inf)
        return RatioLift(math.expm1(difference), -1.0, math.inf, p, z, se, df)
    t = difference / se
    p = float(2 * stats.t.sf(abs(t), df))
    z = float(math.copysign(stats.norm.isf(p / 2), t)) if p > 0 else math.copysign(math.inf, t)
    q = float(stats.t.isf(alpha / 2, df))
    return RatioLift(
        estimate=math.expm1(difference),
        low=math.expm1(difference - q * se),
        high=math.expm1(difference + q * se),
        p_value=p,
        z=z,
        se_log=se,
        df=df,
    )


@lru_cache(maxsize=64)
def _boundaries(fractions: tuple, alpha: float) -> np.ndarray:
    return boundaries(fractions, alpha=alpha)


@dataclass(frozen=True)
class SequentialRatio:
    look: int  # 0-based index of the look the readout stands at
    stopped: bool  # a boundary was crossed at this look
    boundary_z: float
    lift: RatioLift  # the repeated interval: at the look's nominal alpha


def sequential_ratio_lift(
    *, looks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], fractions, alpha: float = 0.05
) -> SequentialRatio:
    """Read the looks taken so far in order, each (numerator, denominator, treated) with the
    cumulative totals of every ad group at that look, against the O'Brien-Fleming-type
    boundaries of the planned `fractions`; the first look beyond its boundary stops."""
    fractions = tuple(float(f) for f in fractions)
    if len(looks) > len(fractions):
        raise ValueError("more looks were taken than the plan has")
    zs = _boundaries(fractions, alpha)
    for k, (numerator, denominator, treated) in enumerate(looks):
        lift = ratio_lift(
            numerator=numerator,
            denominator=denominator,
            treated=treated,
            alpha=nominal_alpha(float(zs[k])),
        )
        if abs(lift.z) > zs[k] or k == len(looks) - 1:
            return SequentialRatio(k, bool(abs(lift.z) > zs[k]), float(zs[k]), lift)
    raise ValueError("no look to read")


def ratio_mde(
    *, cv: float, n_treatment: int, n_control: int, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Smallest relative lift in a rate that `ratio_lift` detects with `power`.

    `cv` is the spread of the rate over ad groups as the ratio estimator sees it
    (power.unit_cv of numerators over denominators). The readout tests the log of the
    rates' ratio with a t on the smaller arm less one, so the normal formula's margin is
    taken on the log scale and widened to t quantiles: with ad groups as unequal as real
    ones the plain relative formula promised 80 % power where the test had about 50 %."""
    normal = minimum_detectable_effect(
        cv=cv, n_treatment=n_treatment, n_control=n_control, alpha=alpha, power=power
    )
    df = max(1, min(n_treatment, n_control) - 1)
    widen = (stats.t.isf(alpha / 2, df) + stats.t.ppf(power, df)) / (
        stats.norm.isf(alpha / 2) + stats.norm.ppf(power)
    )
    return math.expm1(normal * widen)
