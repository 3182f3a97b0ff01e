"""Breaks in spend, CPA and CTR: one day against the entity's trailing four weeks.

A robust z-score, 0.6745 · (x − median) / MAD, so that the very outliers we look for do
not inflate the yardstick they are measured with. It is taken on the log of the metric:
spend, CPA and CTR vary multiplicatively (a day 30 % up is as ordinary as one 23 % down),
and on the log scale one threshold serves campaigns of every size. The median of the logs
is the log of the median, so the message still speaks of the usual figure.

A metric that never moves (a budget-capped campaign spends its budget to the rupee) has
MAD 0; the MAD is floored at MAD_FLOOR (10 % on the log scale), so a permitted 30 % budget
change is not an anomaly while a doubling still is.

Pass the cleaned, lag-corrected frame: uncorrected, yesterday's CPA always looks high.
Only entities that usually have volume are judged — a CTR from a handful of clicks is
noise — and the gate is on the usual volume, not the day's, so a collapse still counts.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from campaigns.money import write_amount
from optimizer.clean import usable_mask
from optimizer.frame import MetricFrame
from optimizer.inputs import SeasonalWindow
from optimizer.trends import event_multipliers, ratio

MAD_FLOOR = 0.1
# Severity: warning from z_threshold, critical from this multiple of it.
CRITICAL_FACTOR = 2.0
METRIC_LABELS = {"spend": "Spend", "cpa": "CPA", "ctr": "CTR"}


@dataclass(frozen=True)
class Anomaly:
    entity_index: int
    entity_id: int
    metric: str  # "spend", "cpa" or "ctr"
    day: date
    value: float
    median: float  # the usual value over the trailing window
    robust_z: float  # on the log scale; ±inf when the value is 0 or CPA has no conversions
    severity: str  # "warning" or "critical"
    message: str


def detect_anomalies(
    frame: MetricFrame,
    *,
    day_index: int = -1,
    window: int = 28,
    min_spend: float = 0.0,
    min_clicks: float = 30.0,
    min_conversions: float = 10.0,
    z_threshold: float = 3.5,
    events: tuple[SeasonalWindow, ...] = (),
    currency: str = "₹",
) -> list[Anomaly]:
    """Anomalies of one day, most severe first.

    `day_index` counts complete days (days_since ≥ 1) Python-style: −1 is yesterday. The
    baseline is the `window` days before it; an entity needs half of them usable. The
    minimums apply to the entity's usual (median) daily clicks, spend and conversions;
    conversions only gate CPA. Spend on declared event days is divided by the event's
    multiplier, so an expected surge is not an alarm.
    """
    complete = np.flatnonzero(frame.days_since >= 1)
    if complete.size == 0:
        raise ValueError(f"the data has no complete day before {frame.as_of}")
    try:
        day = int(complete[day_index])
    except IndexError:
        raise ValueError(
            f"day_index {day_index} is outside the {complete.size} complete days"
        ) from None
    base = slice(max(day - window, 0), day)

    usable = usable_mask(frame)
    multiplier, _ = event_multipliers(frame.dates, events)
    spend = frame.spend / multiplier  # CPA and CTR are ratios: a demand surge leaves them be
    with np.errstate(divide="ignore", invalid="ignore"):
        # No conversions for real spend is the sharpest CPA break there is: +inf, not nan.
        cpa = np.where(frame.spend > 0, frame.spend / np.maximum(frame.conversions, 0.0), np.nan)
    series = {"spend": spend, "cpa": cpa, "ctr": ratio(frame.clicks, frame.impressions)}

    history = usable[:, base]
    judged = (history.sum(axis=1) >= max(window // 2, 1)) & usable[:, day]
    usual_clicks = _median(frame.clicks[:, base], history)
    usual_spend = _median(spend[:, base], history)
    usual_conversions = _median(frame.conversions[:, base], history)
    volume = judged & (usual_clicks >= min_clicks)
    gates = {
        "spend": volume & (usual_spend >= min_spend),
        "cpa": volume & (usual_spend >= min_spend) & (usual_conversions >= min_conversions),
        "ctr": volume,
    }

    found = []
    for metric, values in series.items():
        logs = _log(values)
        cells = history & ~np.isnan(logs[:, base])
        centre = _median(logs[:, base], cells)
        centre = np.where(np.isfinite(centre), centre, np.nan)  # mostly-zero history: no yardstick
        cells &= np.isfinite(centre)[:, np.newaxis]
        mad = _median(np.abs(logs[:, base] - centre[:, np.newaxis]), cells)
        z = 0.6745 * (logs[:, day] - centre) / np.maximum(mad, MAD_FLOOR)
        alarming = gates[metric] & np.isfinite(centre) & (np.abs(np.nan_to_num(z)) >= z_threshold)
        usual = np.exp(centre) * (multiplier[day] if metric == "spend" else 1.0)
        for i in np.flatnonzero(alarming):
            value = float(frame.spend[i, day] if metric == "spend" else values[i, day])
            severity = "critical" if abs(z[i]) >= CRITICAL_FACTOR * z_threshold else "warning"
            found.append(
                Anomaly(
                    entity_index=int(i),
                    entity_id=int(frame.entity_ids[i]),
                    metric=metric,
                    day=frame.dates[day].astype("datetime64[D]").item(),
                    value=value,
                    median=float(usual[i]),
                    robust_z=float(z[i]),
                    severity=severity,
                    message=_message(
                        metric,
                        value,
                        float(usual[i]),
                        float(z[i]),
                        currency,
                        float(frame.spend[i, day]),
                    ),
                )
            )
    found.sort(key=lambda a: (a.severity != "critical", -abs(a.robust_z)))
    return found


def _median(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row-wise median of the masked cells; nan for a row with none (and no warning)."""
    out = np.full(values.shape[0], np.nan)
    rows = mask.any(axis=1)
    if rows.any():
        with np.errstate(invalid="ignore"):  # a row split evenly between −inf and +inf
            out[rows] = np.nanmedian(np.where(mask, values, np.nan)[rows], axis=1)
    return out


def _log(values: np.ndarray) -> np.ndarray:
    """Natural log with log(0) = −inf and nan kept, without a warning."""
    out = np.where(np.isnan(values), np.nan, -np.inf)
    return np.log(values, out=out, where=values > 0)


def _message(metric: str, value: float, usual: float, z: float, currency: str, spend: float):
    label = METRIC_LABELS[metric]

    def show(x: float) -> str:
        if metric == "ctr":
            return f"{x * 100:.2f} %"
        return write_amount(x, places=0 if abs(x) >= 100 else 2, unit=currency)

    if z == np.inf:  # only CPA can be infinite: spend without conversions
        return f"No conversions for {show(spend)} of spend; the usual CPA is {show(usual)}"
    if z == -np.inf:
        return f"{label} fell to {show(value)} from a usual {show(usual)}"
    times = value / usual
    if times >= 1:
        return f"{label} {show(value)} is {times:.1f}× the usual {show(usual)} (robust z {z:.1f})"
    return (
        f"{label} {show(value)} is {times * 100:.0f} % of the usual {show(usual)} "
        f"(robust z {z:.1f})"
    )
