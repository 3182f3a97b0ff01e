"""Step 4 of the pipeline: act only where the evidence is enough; otherwise hold, and say why.

Two tests, one per kind of metric, both comparing the recent week with the week before:

* CTR and CVR are proportions (clicks of impressions, conversions of clicks): a pooled
  two-proportion z-test. Real daily rates wobble more than binomial sampling allows
  (auction mix, weekday, creative rotation), and a plain binomial test would call that
  wobble significant once volume is large. So the variance is scaled by a quasi-binomial
  dispersion, the Pearson chi-square of the 14 daily counts around each week's rate per
  degree of freedom (never below 1). As the dispersion is estimated, the p-value comes from
  Student's t with those degrees of freedom, as in any quasi-likelihood fit.
* ROAS, CPA, spend and conversions a day are ratios of sums with no binomial model: the
  z-test on the log of the ratio uses the delta-method (linearised) variance of each
  week's ratio estimate from its seven daily residuals, and Student's t with Welch's
  degrees of freedom. It measures all the noise there is (conversion counts, basket size,
  extra-binomial drift) from the data itself instead of assuming a model of it.

Lag-corrected days enter with their reliability as weight (see `optimizer.trends`), so the
counts the CVR test sees are the conversions actually reported.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from optimizer.trends import LABELS, METRICS, Trends, ratio

PROPORTIONS = ("ctr", "cvr")
# Metrics whose evidence is conversions, so the policy's minimum conversions applies.
NEEDS_CONVERSIONS = ("conversions", "roas", "cpa", "cvr")
TEST_NAMES = {True: "two-proportion z, quasi-binomial", False: "log-ratio z, delta method"}


@dataclass(frozen=True)
class Comparison:
    """One metric's week-over-week test, per entity; nan where it cannot be computed."""

    metric: str
    recent: np.ndarray
    previous: np.ndarray
    change_pct: np.ndarray
    statistic: np.ndarray  # z (dispersion-scaled for proportions)
    p_value: np.ndarray  # two-sided
    df: np.ndarray  # degrees of freedom of the t reference; inf means normal


@dataclass(frozen=True)
class Significance:
    """The decision per entity: act (significant) or hold, with the reason in words."""

    entity_ids: np.ndarray
    metric: str
    alpha: float
    recent: np.ndarray
    previous: np.ndarray
    change_pct: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray
    confidence: np.ndarray  # 1 − p
    significant: np.ndarray  # bool
    direction: np.ndarray  # int8: +1 the metric went up, −1 down, 0 hold
    reason: tuple[str, ...]

    def evidence(self, index: int) -> dict[str, str | float | bool | None]:
        """JSON-ready evidence of one entity for its Recommendation."""
        number = {
            name: _json_float(getattr(self, name)[index])
            for name in ("recent", "previous", "change_pct", "statistic", "p_value", "confidence")
        }
        return {
            "metric": self.metric,
            "test": TEST_NAMES[self.metric in PROPORTIONS],
            **number,
            "alpha": self.alpha,
            "significant": bool(self.significant[index]),
            "reason": self.reason[index],
        }


def compare(trends: Trends, metric: str) -> Comparison:
    """Test one metric (a key of trends.METRICS) week over week for every entity."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    num1, den1 = trends.recent.daily(metric)
    num0, den0 = trends.previous.daily(metric)
    if metric in PROPORTIONS:
        z, df = quasi_binomial_z(num1, den1, num0, den0)
    else:
        z, df = log_ratio_z(num1, den1, num0, den0)
    change = trends.change(metric)
    p_value = 2.0 * stats.t.sf(np.abs(z), df)
    return Comparison(metric, change.recent, change.previous, change.pct, z, p_value, df)


def two_proportion_z(x1, n1, x0, n0) -> np.ndarray:
    """Pooled two-proportion z statistic of x1/n1 against x0/n0, vectorised; nan if undefined."""
    pooled = ratio(x1 + x0, n1 + n0)
    variance = _spread(pooled) * (ratio(1.0, n1) + ratio(1.0, n0))
    return ratio(ratio(x1, n1) - ratio(x0, n0), np.sqrt(variance))


def quasi_binomial_z(num1, den1, num0, den0) -> tuple[np.ndarray, np.ndarray]:
    """Two-proportion z over daily (N, 7) counts, scaled by the estimated dispersion."""
    z = two_proportion_z(num1.sum(axis=1), den1.sum(axis=1), num0.sum(axis=1), den0.sum(axis=1))
    chi2 = np.zeros(len(z))
    days = np.zeros(len(z))
    for num, den in ((num1, den1), (num0, den0)):
        rate = ratio(num.sum(axis=1), den.sum(axis=1))[:, np.newaxis]
        terms = ratio((num - den * rate) ** 2, den * _spread(rate))
        chi2 += np.nansum(terms, axis=1)
        days += np.isfinite(terms).sum(axis=1)
    df = days - 2  # one rate fitted per week
    estimated = df >= 1
    dispersion = np.maximum(np.where(estimated, ratio(chi2, np.maximum(df, 1)), 1.0), 1.0)
    # The dispersion is estimated even where it comes out at 1, so the reference is t(df).
    return z / np.sqrt(dispersion), np.where(estimated, df, np.inf)


def log_ratio_z(num1, den1, num0, den0) -> tuple[np.ndarray, np.ndarray]:
    """z of log(Σnum1/Σden1) − log(Σnum0/Σden0) from daily (N, 7) arrays, with Welch's df."""
    log1, var1, days1 = _log_ratio(num1, den1)
    log0, var0, days0 = _log_ratio(num0, den0)
    diff = log1 - log0
    se = np.sqrt(var1 + var0)
    z = ratio(diff, se)
    # Both weeks perfectly steady (a budget-capped spend): any difference is certain.
    steady = (se == 0) & np.isfinite(diff)
    z = np.where(steady, np.where(diff > 0, np.inf, np.where(diff < 0, -np.inf, 0.0)), z)
    welch = ratio((var1 + var0) ** 2, ratio(var1**2, days1 - 1) + ratio(var0**2, days0 - 1))
    df = np.where(np.isfinite(welch), welch, np.inf)
    return z, df


def assess(
    trends: Trends,
    *,
    alpha: float,
    min_clicks: float,
    min_conversions: float,
    metric: str = "cvr",
) -> Significance:
    """Decide per entity whether `metric` changed enough, on enough volume, to act on.

    Both weeks need the policy's minimum clicks, and for conversion metrics its minimum
    reported conversions; then the change must be significant at `alpha`.
    """
    test = compare(trends, metric)
    label = LABELS[metric]
    clicks = (trends.recent.total("clicks"), trends.previous.total("clicks"))
    reported = (
        trends.recent.daily("conversions")[0].sum(axis=1),
        trends.previous.daily("conversions")[0].sum(axis=1),
    )
    weeks = ("in the last 7 days", "in the 7 days before")
    events = ", ".join(trends.events)

    n = len(trends.entity_ids)
    significant = np.zeros(n, dtype=bool)
    reasons = []
    for i in range(n):
        z, p, pct = test.statistic[i], test.p_value[i], test.change_pct[i]
        short = [
            f"only {_count(c[i])} clicks {week} (policy minimum {_count(min_clicks)})"
            for c, week in zip(clicks, weeks, strict=True)
            if c[i] < min_clicks
        ]
        if metric in NEEDS_CONVERSIONS:
            short += [
                f"only {_count(c[i])} conversions reported {week} "
                f"(policy minimum {_count(min_conversions)})"
                for c, week in zip(reported, weeks, strict=True)
                if c[i] < min_conversions
            ]
        if short:
            reason = "hold: " + "; ".join(short)
        elif not (np.isfinite(p) and np.isfinite(pct)):
            reason = f"hold: not enough data to compare {label} week over week"
        elif p >= alpha:
            reason = (
                f"hold: {label} change {pct:+.1f} % is not significant ({_p(p)}, needs < {alpha:g})"
            )
        else:
            significant[i] = True
            way = "up" if z > 0 else "down"
            reason = f"{label} {way} {abs(pct):.1f} % week over week (z = {z:.2f}, {_p(p)})"
        if trends.has_event[i]:
            reason += f"; declared event days de-seasonalised ({events})"
        reasons.append(reason)

    direction = np.where(significant, np.sign(test.statistic), 0).astype(np.int8)
    return Significance(
        entity_ids=trends.entity_ids,
        metric=metric,
        alpha=alpha,
        recent=test.recent,
        previous=test.previous,
        change_pct=test.change_pct,
        statistic=test.statistic,
        p_value=test.p_value,
        confidence=1.0 - test.p_value,
        significant=significant,
        direction=direction,
        reason=tuple(reasons),
    )


def log_ratio_estimate(num: np.ndarray, den: np.ndarray):
    """log(Σnum/Σden) per row of daily (N, D) arrays, its delta-method variance, and the
    days it rests on (nan where the ratio is not positive)."""
    return _log_ratio(num, den)


def _log_ratio(num: np.ndarray, den: np.ndarray):
    """log of Σnum/Σden, the delta-method variance of that log, and the days it rests on."""
    used = (num > 0) | (den > 0)  # a day with spend and no conversions still counts
    days = used.sum(axis=1).astype(np.float64)
    total_num, total_den = num.sum(axis=1), den.sum(axis=1)
    estimate = ratio(total_num, total_den)
    residual = np.where(used, num - estimate[:, np.newaxis] * den, 0.0)
    # Linearised variance of a ratio estimator, n/(n−1) for the fitted ratio.
    variance = ratio((residual**2).sum(axis=1) * ratio(days, days - 1), total_den**2)
    positive = estimate > 0
    log = np.log(np.where(positive, estimate, 1.0))
    return (
        np.where(positive, log, np.nan),
        np.where(positive, ratio(variance, estimate**2), np.nan),
        days,
    )


def _spread(p):
    """Binomial p(1 − p); Poisson p where a "rate" exceeds 1 (e.g. view-through)."""
    p = np.asarray(p, dtype=np.float64)
    return np.where(p < 1.0, p * (1.0 - p), p)


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _p(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    # Three significant digits near alpha, so 0.0496 never reads as "0.05".
    return f"p = {p:.3g}" if p < 0.1 else f"p = {p:.2f}"


def _json_float(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None
