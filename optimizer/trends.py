"""Step 3 of the pipeline: the two-week view, last week against the week before.

The recent window is the seven complete days ending the day before as_of; the previous
window is the seven days before that. Seven-day windows hold each weekday exactly once,
so the comparison is aligned by weekday by construction and weekday seasonality cancels.

Declared seasonal events are not trends. On an event day every volume (impressions,
clicks, conversions, value, spend) is divided by the event's multiplier, which is what the
day would have looked like without the event; rates are ratios of volumes and so are left
as they were. Entities whose windows contain an event are flagged.

Rates whose conversions are lag-corrected (CVR, ROAS, CPA, conversions a day) are ratios
of reliability-weighted sums: a day that is 55 % complete counts 55 % as much. That is
the maximum-likelihood estimate when a fixed share of conversions has arrived, and equals
the plain ratio once every day is mature. CTR and spend do not lag and are not weighted.
"""

from dataclasses import dataclass

import numpy as np

from optimizer.clean import usable_mask
from optimizer.frame import MEASURES, MetricFrame
from optimizer.inputs import SeasonalWindow

WINDOW_DAYS = 7

# metric -> (numerator measure, denominator measure or None for "per day", lag-weighted)
METRICS: dict[str, tuple[str, str | None, bool]] = {
    "spend": ("spend", None, False),
    "conversions": ("conversions", None, True),
    "roas": ("value", "spend", True),
    "cpa": ("spend", "conversions", True),
    "ctr": ("clicks", "impressions", False),
    "cvr": ("conversions", "clicks", True),
}
LABELS = {
    "spend": "Spend",
    "conversions": "Conversions",
    "roas": "ROAS",
    "cpa": "CPA",
    "ctr": "CTR",
    "cvr": "CVR",
}


@dataclass(frozen=True)
class Window:
    """Seven consecutive complete days of every entity, de-seasonalised; arrays are (N, 7)."""

    dates: np.ndarray  # datetime64[D] (7,)
    impressions: np.ndarray
    clicks: np.ndarray
    conversions: np.ndarray  # lag-corrected when the frame was
    value: np.ndarray
    spend: np.ndarray
    weight: np.ndarray  # reliability of each cell; 0 where the cell is excluded
    usable: np.ndarray  # bool
    event_days: np.ndarray  # bool (7,): a declared event covers the day

    def total(self, measure: str) -> np.ndarray:
        """Plain sum of a measure over the usable days, per entity."""
        return np.where(self.usable, getattr(self, measure), 0.0).sum(axis=1)

    def daily(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """Per-day numerator and denominator of a metric, weighted as the metric needs."""
        numerator, denominator, weighted = METRICS[metric]
        w = self.weight if weighted else self.usable.astype(np.float64)
        num = w * np.where(self.usable, getattr(self, numerator), 0.0)
        if denominator is None:
            return num, w  # per usable day
        return num, w * np.where(self.usable, getattr(self, denominator), 0.0)

    def estimate(self, metric: str) -> np.ndarray:
        """The metric over the window; volumes are per week (excluded days at the average)."""
        num, den = self.daily(metric)
        per = len(self.dates) if METRICS[metric][1] is None else 1
        return ratio(num.sum(axis=1), den.sum(axis=1)) * per


@dataclass(frozen=True)
class Change:
    recent: np.ndarray  # (N,)
    previous: np.ndarray
    pct: np.ndarray  # (recent / previous − 1) × 100; nan where either side is undefined


@dataclass(frozen=True)
class Trends:
    entity_ids: np.ndarray
    recent: Window  # the 7 complete days ending as_of − 1
    previous: Window  # the 7 days before
    events: tuple[str, ...]  # names of the declared events touching either window
    has_event: np.ndarray  # bool (N,): a usable day of the entity is an event day
    spend: Change  # per week
    conversions: Change  # per week
    roas: Change
    cpa: Change
    ctr: Change
    cvr: Change

    def change(self, metric: str) -> Change:
        return getattr(self, metric)


def weekly_comparison(
    frame: MetricFrame,
    *,
    events: tuple[SeasonalWindow, ...],
    reliability: np.ndarray | None = None,
) -> Trends:
    """Compare the last 7 complete days with the 7 before, per entity.

    `reliability` is `lag.reliability(...)` for a lag-corrected frame; without it every
    usable day counts fully.
    """
    last = np.datetime64(frame.as_of, "D") - 1
    found = np.flatnonzero(frame.dates == last)
    if found.size == 0:
        raise ValueError(f"the data has no {last}, the last complete day before {frame.as_of}")
    end = int(found[0]) + 1
    start = end - 2 * WINDOW_DAYS
    if start < 0:
        raise ValueError(
            f"two weeks ending {last} need {2 * WINDOW_DAYS} days; the data starts {frame.dates[0]}"
        )

    usable = usable_mask(frame)
    weight = usable.astype(np.float64)
    if reliability is not None:
        if reliability.shape != usable.shape:
            raise ValueError(f"reliability has shape {reliability.shape}, expected {usable.shape}")
        weight = weight * reliability
    multiplier, covered = event_multipliers(frame.dates, events)

    def window(columns: slice) -> Window:
        measures = {m: getattr(frame, m)[:, columns] / multiplier[columns] for m in MEASURES}
        return Window(
            dates=frame.dates[columns],
            **measures,
            weight=weight[:, columns],
            usable=usable[:, columns],
            event_days=covered[columns],
        )

    previous = window(slice(start, start + WINDOW_DAYS))
    recent = window(slice(start + WINDOW_DAYS, end))
    span = frame.dates[start], frame.dates[end - 1]
    touching = tuple(
        e.name
        for e in events
        if np.datetime64(e.start, "D") <= span[1] and np.datetime64(e.end, "D") >= span[0]
    )
    has_event = (recent.usable & recent.event_days).any(axis=1) | (
        previous.usable & previous.event_days
    ).any(axis=1)

    changes = {}
    for metric in METRICS:
        now, before = recent.estimate(metric), previous.estimate(metric)
        changes[metric] = Change(now, before, pct_change(now, before))
    return Trends(frame.entity_ids, recent, previous, touching, has_event, **changes)


def event_multipliers(
    dates: np.ndarray, events: tuple[SeasonalWindow, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-day demand multiplier (overlapping events multiply) and whether an event covers it."""
    multiplier = np.ones(len(dates))
    covered = np.zeros(len(dates), dtype=bool)
    for event in events:
        if not (np.isfinite(event.multiplier) and event.multiplier > 0):
            raise ValueError(
                f"event {event.name!r} has multiplier {event.multiplier}; it must be positive"
            )
        if event.end < event.start:
            raise ValueError(f"event {event.name!r} ends ({event.end}) before it starts")
        inside = (dates >= np.datetime64(event.start, "D")) & (
            dates <= np.datetime64(event.end, "D")
        )
        multiplier[inside] *= event.multiplier
        covered |= inside
    return multiplier, covered


def weekday_index(frame: MetricFrame, *, events: tuple[SeasonalWindow, ...] = ()) -> np.ndarray:
    """Demand by weekday (Monday first): clicks per usable entity-day, mean 1.

    Taken over every complete, non-event day of the frame. The weekly comparison does not
    need it (it compares like weekdays); it is for views of single days, such as
    budgets by weekday. A weekday with no data is nan.
    """
    usable = usable_mask(frame)
    _, covered = event_multipliers(frame.dates, events)
    days = (frame.days_since >= 1) & ~covered
    clicks = np.where(usable, frame.clicks, 0.0)[:, days].sum(axis=0)
    cells = usable[:, days].sum(axis=0)
    weekday = frame.weekdays[days]
    per_day = ratio(
        np.bincount(weekday, weights=clicks, minlength=7),
        np.bincount(weekday, weights=cells, minlength=7).astype(np.float64),
    )
    known = np.isfinite(per_day)
    if not known.any() or per_day[known].mean() <= 0:
        return np.full(7, np.nan)
    return per_day / per_day[known].mean()


def pct_change(now: np.ndarray, before: np.ndarray) -> np.ndarray:
    """The change from `before` to `now` in percent; nan where `before` is not positive,
    or so near zero that the percentage overflows (hypothesis found 1 after 2e-308)."""
    with np.errstate(over="ignore"):
        pct = (ratio(now, before) - 1.0) * 100.0
    return np.where(np.isfinite(pct), pct, np.nan)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator; nan where the denominator is not positive. Never inf or warns."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    ok = (denominator > 0) & np.isfinite(numerator)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    with np.errstate(over="ignore"):  # a denormal denominator; the result is discarded below
        np.divide(numerator, denominator, out=out, where=ok)
    return np.where(np.isinf(out), np.nan, out)
