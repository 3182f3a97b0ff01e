"""Conversion lag: completeness is estimated from the data and young days are corrected."""

from dataclasses import replace
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optimizer.clean import clean_frame
from optimizer.frame import MetricFrame
from optimizer.inputs import SeasonalWindow
from optimizer.lag import (
    MIN_COMPLETENESS,
    correct_for_lag,
    estimate_completeness,
    fallback_completeness,
    reliability,
)
from optimizer.significance import assess
from optimizer.trends import weekly_comparison

AS_OF = date(2025, 3, 31)
# The simulated platform's arrivals, used only to *generate* data: the estimator never sees it.
TRUE_COMPLETENESS = np.cumsum([0.55, 0.17, 0.10, 0.07, 0.05, 0.04, 0.02])


def simulate(
    *, n=20, days=60, clicks=2000.0, cvr=0.05, sigma=0.0, seed=0, lagged=True, by_day=None
) -> MetricFrame:
    """Flat campaigns: the same true CVR every day (times `by_day`), as reported on AS_OF."""
    rng = np.random.default_rng(seed)
    dates = np.arange(np.datetime64(AS_OF) - days, np.datetime64(AS_OF))
    daily_clicks = rng.poisson(clicks * rng.lognormal(0.0, sigma, (n, days))).astype(float)
    rate = cvr * rng.lognormal(0.0, sigma, (n, days)) * (1.0 if by_day is None else by_day)
    rate = np.clip(rate, 0.0, 1.0)
    conversions = rng.binomial(daily_clicks.astype(np.int64), rate).astype(float)
    frame = MetricFrame(
        dates,
        np.arange(n),
        impressions=daily_clicks * 30.0,
        clicks=daily_clicks,
        conversions=conversions,
        value=conversions * 1500.0,
        spend=daily_clicks * 20.0,
        as_of=AS_OF,
    )
    if not lagged:
        return frame
    age = frame.days_since
    share = np.where(age <= 7, TRUE_COMPLETENESS[np.clip(age, 1, 7) - 1], 1.0)
    return replace(frame, conversions=conversions * share, value=frame.value * share)


def test_completeness_estimated_from_history_is_close_to_the_true_curve():
    frame = clean_frame(simulate(n=50, clicks=2000.0, sigma=0.15, seed=3))
    completeness = estimate_completeness(frame, fallback_lag_days=7)

    assert completeness.source == "history"
    np.testing.assert_allclose(completeness.by_age, TRUE_COMPLETENESS, atol=0.035)
    assert (np.diff(completeness.by_age) >= 0).all()
    assert completeness.by_age.max() <= 1.0
    assert "yesterday is 5" in completeness.reason  # about 55 %, in words


def test_a_weekend_yesterday_is_not_read_as_extra_lag():
    dates = np.arange(np.datetime64(AS_OF) - 60, np.datetime64(AS_OF))
    weekday = (dates.astype(np.int64) + 3) % 7
    weekend_dip = np.where(weekday >= 5, 0.7, 1.0)  # weekend browsers convert less
    frame = clean_frame(simulate(n=40, clicks=5000.0, by_day=weekend_dip))
    assert frame.weekdays[-1] == 6  # yesterday was a Sunday

    completeness = estimate_completeness(frame, fallback_lag_days=7)
    np.testing.assert_allclose(completeness.by_age, TRUE_COMPLETENESS, atol=0.03)


def test_declared_event_days_are_left_out_of_the_mature_yardstick():
    dates = np.arange(np.datetime64(AS_OF) - 60, np.datetime64(AS_OF))
    sale = SeasonalWindow("Holi sale", date(2025, 3, 10), date(2025, 3, 16), 1.4)
    during = (dates >= np.datetime64(sale.start)) & (dates <= np.datetime64(sale.end))
    frame = clean_frame(simulate(n=40, clicks=5000.0, by_day=np.where(during, 1.5, 1.0)))

    blind = estimate_completeness(frame, fallback_lag_days=7)
    aware = estimate_completeness(frame, fallback_lag_days=7, events=(sale,))

    assert blind.by_age[-1] < 0.95  # the sale's conversions inflated the yardstick
    np.testing.assert_allclose(aware.by_age, TRUE_COMPLETENESS, atol=0.03)


def test_the_fallback_curve_from_the_policy_is_used_when_volume_is_too_low():
    frame = clean_frame(simulate(n=5, clicks=100.0, seed=1))
    completeness = estimate_completeness(frame, fallback_lag_days=7, min_clicks=1000.0)

    assert completeness.source == "fallback"
    assert "only" in completeness.reason and "(needs 1,000)" in completeness.reason
    np.testing.assert_array_equal(completeness.by_age, fallback_completeness(7, "").by_age)


def test_the_fallback_is_used_when_too_few_days_are_old_enough_to_be_complete():
    frame = clean_frame(simulate(days=12, clicks=5000.0))
    completeness = estimate_completeness(frame, fallback_lag_days=7)
    assert completeness.source == "fallback"
    assert "only 5 ordinary days older than the lag window" in completeness.reason


def test_the_fallback_curve_rises_to_complete_at_the_policy_lag():
    curve = fallback_completeness(7, "").by_age
    assert len(curve) == 7
    assert (np.diff(curve) > 0).all()
    assert curve[-1] == 1.0
    assert 0.2 < curve[0] < 0.6


def test_a_flat_campaign_with_lag_depleted_days_is_not_seen_as_declining_after_correction():
    # Large volume, so the lag, not sampling noise, dominates what the test sees.
    frame = clean_frame(simulate(n=20, clicks=100_000.0, seed=0))
    completeness = estimate_completeness(frame, fallback_lag_days=7)
    decide = {"alpha": 0.05, "min_clicks": 100, "min_conversions": 20}

    before = assess(weekly_comparison(frame, events=()), **decide)
    after = assess(
        weekly_comparison(
            correct_for_lag(frame, completeness),
            events=(),
            reliability=reliability(frame, completeness),
        ),
        **decide,
    )

    # Uncorrected, the recent week has lost about 16 % of its conversions: "CVR down".
    assert before.direction[0] == -1
    assert before.reason[0].startswith("CVR down 1")
    assert (before.direction == -1).mean() >= 0.9
    # Corrected, it is the flat campaign it is.
    assert after.direction[0] == 0
    assert after.reason[0].startswith("hold: CVR change")
    assert (after.direction == -1).sum() == 0
    assert np.abs(after.change_pct).max() < 5.0


def test_correction_scales_conversions_and_value_of_young_days_only():
    frame = clean_frame(simulate(n=3, days=20, clicks=5000.0, lagged=False))
    completeness = fallback_completeness(7, "test")
    corrected = correct_for_lag(frame, completeness)

    young = frame.days_since <= 7
    np.testing.assert_allclose(
        corrected.conversions[:, young],
        frame.conversions[:, young] / completeness.by_age[frame.days_since[young] - 1],
    )
    np.testing.assert_allclose(
        corrected.value[:, young] / corrected.conversions[:, young],
        frame.value[:, young] / frame.conversions[:, young],
    )  # value arrives with its conversions
    np.testing.assert_array_equal(corrected.conversions[:, ~young], frame.conversions[:, ~young])
    np.testing.assert_array_equal(corrected.clicks, frame.clicks)
    np.testing.assert_array_equal(corrected.spend, frame.spend)


def test_reliability_is_the_day_completeness_and_zero_on_excluded_cells():
    frame = simulate(n=2, days=20)
    frame.spend[1, -1] = np.nan
    frame = clean_frame(frame)
    completeness = fallback_completeness(7, "test")
    weight = reliability(frame, completeness)

    assert weight[1, -1] == 0.0
    assert weight[0, -1] == completeness.by_age[0]
    assert (weight[:, frame.days_since > 7] == 1.0).all()


def test_a_policy_without_lag_means_no_correction():
    frame = clean_frame(simulate(n=2, days=20))
    completeness = estimate_completeness(frame, fallback_lag_days=0)
    assert completeness.by_age.size == 0
    np.testing.assert_array_equal(
        correct_for_lag(frame, completeness).conversions, frame.conversions
    )


def test_today_partial_column_gets_yesterday_completeness():
    completeness = fallback_completeness(7, "test")
    np.testing.assert_array_equal(
        completeness.at(np.array([0, 1, 7, 8, 30])),
        [completeness.by_age[0], completeness.by_age[0], 1.0, 1.0, 1.0],
    )


counts = arrays(np.float64, (4, 40), elements=st.floats(0, 500, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(clicks=counts, share=arrays(np.float64, (4, 40), elements=st.floats(0, 1.2)))
def test_completeness_is_monotone_and_between_the_floor_and_one_for_any_data(clicks, share):
    frame = MetricFrame(
        np.arange(np.datetime64(AS_OF) - 40, np.datetime64(AS_OF)),
        np.arange(4),
        impressions=clicks * 10,
        clicks=clicks,
        conversions=clicks * share * 0.1,
        value=clicks * share,
        spend=clicks,
        as_of=AS_OF,
    )
    completeness = estimate_completeness(
        frame, fallback_lag_days=7, min_clicks=1, min_conversions=1
    )
    curve = completeness.by_age
    assert len(curve) == 7
    assert (np.diff(curve) >= 0).all()
    assert (curve >= MIN_COMPLETENESS).all() and (curve <= 1.0).all()
