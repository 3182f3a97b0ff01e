"""A declared seasonal event is not mistaken for a trend; the same lift undeclared is one."""

from dataclasses import replace
from datetime import date

import numpy as np

from optimizer.clean import clean_frame
from optimizer.frame import MEASURES, MetricFrame
from optimizer.inputs import SeasonalWindow
from optimizer.significance import assess
from optimizer.trends import weekly_comparison

AS_OF = date(2025, 3, 31)
POLICY = {"alpha": 0.05, "min_clicks": 100, "min_conversions": 20}
METRICS = ("spend", "conversions", "roas", "cpa", "ctr", "cvr")
FESTIVAL = SeasonalWindow("Festive Season Week", date(2025, 3, 24), date(2025, 3, 30), 1.5)


def event_week(n: int = 50, seed: int = 21) -> MetricFrame:
    """Flat campaigns whose recent week (the event) has 1.5× the demand: every volume × 1.5."""
    rng = np.random.default_rng(seed)
    shape = (n, 28)
    clicks = rng.poisson(1000.0 * rng.lognormal(0, 0.1, shape)).astype(float)
    conversions = rng.binomial(clicks.astype(np.int64), 0.05 * rng.lognormal(0, 0.1, shape))
    frame = MetricFrame(
        np.arange(np.datetime64(AS_OF) - 28, np.datetime64(AS_OF)),
        np.arange(n),
        impressions=np.round(clicks / 0.03),
        clicks=clicks,
        conversions=conversions.astype(float),
        value=conversions * 1500.0,
        spend=clicks * 20.0,
        as_of=AS_OF,
    )
    demand = np.where(frame.dates >= np.datetime64(FESTIVAL.start), FESTIVAL.multiplier, 1.0)
    return clean_frame(replace(frame, **{m: getattr(frame, m) * demand for m in MEASURES}))


def test_an_event_week_with_multiplier_1_5_is_not_reported_as_a_significant_trend():
    trends = weekly_comparison(event_week(), events=(FESTIVAL,))
    assert trends.has_event.all()
    for metric in METRICS:
        decision = assess(trends, **POLICY, metric=metric)
        assert decision.significant.mean() <= 0.1, metric  # no more than noise
    assert abs(np.median(trends.spend.pct)) < 5.0
    reason = assess(trends, **POLICY, metric="conversions").reason[0]
    assert reason.endswith("; declared event days de-seasonalised (Festive Season Week)")


def test_the_same_lift_without_the_declared_event_is_a_significant_trend():
    trends = weekly_comparison(event_week(), events=())
    for metric in ("spend", "conversions"):
        decision = assess(trends, **POLICY, metric=metric)
        assert (decision.direction == 1).mean() >= 0.9, metric
    assert decision.reason[0].startswith("Conversions up ")
    # Rates are untouched by a pure demand lift either way.
    assert assess(trends, **POLICY, metric="cvr").significant.mean() <= 0.1
