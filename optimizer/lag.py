"""Step 2 of the pipeline: the youngest days are incomplete, so correct them for conversion lag.

Conversions (and their value) keep arriving for days after the click. Read as they are,
the last days of every report look like a collapse in conversion rate, and an optimiser
would cut campaigns whose only fault is that yesterday's conversions have not arrived.

`estimate_completeness` measures, for each age k (days since the day, yesterday = 1), the
share of a day's final conversions that has been reported. With one snapshot each age is
one calendar day, so the estimate is pooled across entities: the conversions reported on
the day k days ago, divided by what that day's clicks would have produced at each entity's
own mature conversion rate, adjusted for that day's weekday. Using each entity's own rate
and the weekday's (indirect standardisation) keeps a shift in the mix between high- and
low-converting entities, or a weekend yesterday, from being read as lag. The raw
ratios are noisy, so they are made monotone (an older day has never received fewer of its
conversions) with a weighted isotonic regression and capped at 1.

Where the history is too thin, the policy's `conversion_lag_days` gives a fallback curve.
"""

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import isotonic_regression

from optimizer.clean import usable_mask
from optimizer.frame import MetricFrame
from optimizer.inputs import SeasonalWindow
from optimizer.trends import event_multipliers

# Days older than the lag window that the mature conversion rate is taken from: four weeks
# hold every weekday four times and plenty of volume, and are recent enough that a slow
# drift in conversion rates (audience fatigue) is not read as lag.
MATURE_DAYS = 28
# Fewer mature days than this and the mature rate itself is too uncertain to compare with.
MIN_MATURE_DAYS = 7
# A day with under 10 % of its conversions in carries almost no information; dividing by
# less would multiply its noise more than tenfold.
MIN_COMPLETENESS = 0.1
# Fallback arrivals decay exponentially with time constant lag_days / FALLBACK_DECAY, scaled
# to be complete at lag_days: for 7 days, 37 % by yesterday and 86 % after four days. That
# is slower than most platforms, so a thin account over-corrects rather than cuts a campaign
# for conversions still on their way; its young days also carry little weight in tests.
FALLBACK_DECAY = 3.0


@dataclass(frozen=True)
class Completeness:
    """Share of a day's final conversions already reported, by age.

    `by_age[k - 1]` is the completeness of the day k days before as_of (yesterday: k = 1);
    days older than len(by_age) are complete.
    """

    by_age: np.ndarray  # float64 (K,), non-decreasing, in [MIN_COMPLETENESS, 1]
    source: str  # "history" or "fallback"
    reason: str  # how it was obtained, in words
    raw: np.ndarray  # float64 (K,): unsmoothed ratio per age (nan for the fallback)

    def at(self, days_since: np.ndarray) -> np.ndarray:
        """Completeness for each age; today (age 0, partial) gets yesterday's value."""
        ages = np.asarray(days_since, dtype=np.int64)
        horizon = len(self.by_age)
        if horizon == 0:
            return np.ones(ages.shape)
        young = self.by_age[np.clip(ages, 1, horizon) - 1]
        return np.where(ages > horizon, 1.0, young)


def fallback_completeness(lag_days: int, reason: str) -> Completeness:
    """A policy-based curve: exponential arrivals, complete after `lag_days` days."""
    if lag_days <= 0:
        return Completeness(np.empty(0), "fallback", reason, np.empty(0))
    rate = FALLBACK_DECAY / lag_days
    ages = np.arange(1, lag_days + 1)
    curve = -np.expm1(-rate * ages) / -np.expm1(-rate * lag_days)
    curve = np.clip(curve, MIN_COMPLETENESS, 1.0)
    return Completeness(curve, "fallback", reason, np.full(lag_days, np.nan))


def estimate_completeness(
    frame: MetricFrame,
    *,
    fallback_lag_days: int,
    min_clicks: float = 1000.0,
    min_conversions: float = 50.0,
    events: tuple[SeasonalWindow, ...] = (),
) -> Completeness:
    """Estimate completeness for ages 1..fallback_lag_days from the frame's own history.

    The policy's lag window is the horizon: days older than it are taken as mature. Every
    age needs `min_clicks` clicks and `min_conversions` expected conversions (pooled
    across entities), and there must be MIN_MATURE_DAYS mature days; otherwise the whole
    curve falls back to the policy's, with the reason saying what was missing. Declared
    `events` are left out of the mature baseline.
    """
    horizon = fallback_lag_days
    if horizon <= 0:
        return fallback_completeness(0, "the policy expects no conversion lag")

    def fallback(why: str) -> Completeness:
        return fallback_completeness(horizon, f"policy's {horizon}-day lag curve: {why}")

    usable = usable_mask(frame)
    clicks = np.where(usable, frame.clicks, 0.0)
    conversions = np.where(usable, frame.conversions, 0.0)
    ages = frame.days_since

    # Declared event days convert differently (a sale lifts conversions per click), so they
    # would make the mature rate a poor yardstick for ordinary young days.
    _, event_days = event_multipliers(frame.dates, events)
    mature = (ages > horizon) & (ages <= horizon + MATURE_DAYS) & ~event_days
    if mature.sum() < MIN_MATURE_DAYS:
        return fallback(
            f"only {int(mature.sum())} ordinary days older than the lag window "
            f"(needs {MIN_MATURE_DAYS})"
        )
    mature_clicks = clicks[:, mature].sum(axis=1)
    known = mature_clicks > 0  # entities without a mature rate cannot say what is missing
    mature_rate = conversions[known][:, mature].sum(axis=1) / mature_clicks[known]
    weekday_factor = _weekday_factor(
        clicks[known][:, mature] * mature_rate[:, np.newaxis],
        conversions[known][:, mature],
        frame.weekdays[mature],
    )

    raw = np.empty(horizon)
    expected = np.empty(horizon)
    for k in range(1, horizon + 1):
        column = np.flatnonzero(ages == k)
        if column.size == 0:
            return fallback(f"the data has no figures from {_ago(k)}")
        day_clicks = clicks[known, column[0]]
        weekday = frame.weekdays[column[0]]
        expected[k - 1] = (day_clicks * mature_rate).sum() * weekday_factor[weekday]
        if day_clicks.sum() < min_clicks:
            return fallback(
                f"only {day_clicks.sum():,.0f} clicks from {_ago(k)} (needs {min_clicks:,.0f})"
            )
        if expected[k - 1] <= 0 or expected[k - 1] < min_conversions:
            return fallback(
                f"only {expected[k - 1]:,.1f} conversions expected from {_ago(k)} "
                f"(needs {min_conversions:,.0f})"
            )
        raw[k - 1] = conversions[known, column[0]].sum() / expected[k - 1]

    # Weighting by expected conversions trusts high-volume days more, as their ratios vary less.
    smooth = isotonic_regression(raw, weights=expected, increasing=True).x
    curve = np.clip(smooth, MIN_COMPLETENESS, 1.0)
    reason = (
        f"estimated from history: {int(known.sum())} entities, "
        f"{conversions[known][:, mature].sum():,.0f} conversions on {int(mature.sum())} "
        f"mature days; yesterday is {curve[0]:.0%} complete"
    )
    return Completeness(curve, "history", reason, raw)


def _weekday_factor(expected: np.ndarray, observed: np.ndarray, weekdays: np.ndarray):
    """Conversions per click of each weekday relative to the entity's mature rate, pooled.

    Each age is one calendar day, so a weekday with weaker conversion rates (weekend
    browsing) would otherwise be read as extra lag whenever it is yesterday.
    """
    expected_by_day = np.bincount(weekdays, weights=expected.sum(axis=0), minlength=7)
    observed_by_day = np.bincount(weekdays, weights=observed.sum(axis=0), minlength=7)
    factor = np.ones(7)
    seen = expected_by_day > 0
    factor[seen] = observed_by_day[seen] / expected_by_day[seen]
    return factor


def correct_for_lag(frame: MetricFrame, completeness: Completeness) -> MetricFrame:
    """Scale conversions and value of young days up to their expected final totals.

    Value arrives with its conversions, so both are divided by the same completeness.
    Apply once: the result is a frame of expected final figures.
    """
    share = completeness.at(frame.days_since)[np.newaxis, :]
    return replace(frame, conversions=frame.conversions / share, value=frame.value / share)


def reliability(frame: MetricFrame, completeness: Completeness) -> np.ndarray:
    """Per-cell weight (N, D): the completeness of the day, 0 where the cell is excluded.

    A corrected day that is 55 % complete rests on 55 % of the evidence of a mature one;
    trends and significance tests weight it accordingly.
    """
    share = completeness.at(frame.days_since)
    return np.where(usable_mask(frame), share[np.newaxis, :], 0.0)


def _ago(k: int) -> str:
    return "yesterday" if k == 1 else f"{k} days ago"
