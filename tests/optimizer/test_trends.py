"""The two-week view: last 7 complete days against the 7 before, aligned by weekday."""

from datetime import date

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optimizer.clean import clean_frame
from optimizer.frame import MetricFrame
from optimizer.inputs import SeasonalWindow
from optimizer.trends import weekday_index, weekly_comparison

AS_OF = date(2025, 3, 31)  # a Monday


def make_frame(days: int = 21, n: int = 1, *, today: bool = False, **measures) -> MetricFrame:
    """Constant figures unless given; `today` adds AS_OF's partial column at the end."""
    end = np.datetime64(AS_OF) + (1 if today else 0)
    dates = np.arange(end - days, end)
    shape = (n, days)
    figures = {
        "impressions": 10_000.0,
        "clicks": 200.0,
        "conversions": 10.0,
        "value": 20_000.0,
        "spend": 4_000.0,
    }
    arrays_ = {
        name: np.broadcast_to(np.asarray(measures.get(name, default), dtype=float), shape).copy()
        for name, default in figures.items()
    }
    return MetricFrame(dates, np.arange(n), as_of=AS_OF, **arrays_)


def test_windows_are_the_last_seven_complete_days_and_the_seven_before():
    frame = make_frame(days=22, today=True)
    trends = weekly_comparison(frame, events=())

    assert trends.recent.dates[-1] == np.datetime64("2025-03-30")  # as_of − 1; today left out
    assert trends.recent.dates[0] == np.datetime64("2025-03-24")
    assert trends.previous.dates[-1] == np.datetime64("2025-03-23")
    assert trends.previous.dates[0] == np.datetime64("2025-03-17")
    # Same weekdays in the same order, so weekday seasonality cancels.
    weekdays = (trends.recent.dates.astype(np.int64) + 3) % 7
    np.testing.assert_array_equal(weekdays, (trends.previous.dates.astype(np.int64) + 3) % 7)


def test_rates_and_changes_come_from_window_totals():
    spend = np.r_[np.full(14, 4_000.0), np.full(7, 5_000.0)][np.newaxis, :]
    conversions = np.r_[np.full(14, 10.0), np.full(7, 20.0)][np.newaxis, :]
    trends = weekly_comparison(make_frame(spend=spend, conversions=conversions), events=())

    assert trends.spend.recent[0] == pytest.approx(35_000.0)
    assert trends.spend.previous[0] == pytest.approx(28_000.0)
    assert trends.spend.pct[0] == pytest.approx(25.0)
    assert trends.cpa.recent[0] == pytest.approx(250.0)
    assert trends.cpa.previous[0] == pytest.approx(400.0)
    assert trends.cpa.pct[0] == pytest.approx(-37.5)
    assert trends.cvr.recent[0] == pytest.approx(0.1)
    assert trends.cvr.pct[0] == pytest.approx(100.0)
    assert trends.ctr.recent[0] == pytest.approx(0.02)
    assert trends.ctr.pct[0] == pytest.approx(0.0)
    assert trends.roas.recent[0] == pytest.approx(20_000 / 5_000)


def test_zero_denominators_give_nan_never_inf():
    # Entity 0 had nothing the week before, entity 1 nothing at all.
    clicks = np.zeros((2, 21))
    clicks[0, -7:] = 100.0
    frame = make_frame(
        n=2,
        impressions=clicks * 20,
        clicks=clicks,
        conversions=clicks / 10,
        value=clicks * 5,
        spend=clicks * 3,
    )
    trends = weekly_comparison(frame, events=())

    for metric in ("spend", "conversions", "roas", "cpa", "ctr", "cvr"):
        change = trends.change(metric)
        assert not np.isinf(change.pct).any()
        assert np.isnan(change.pct).all()
    assert np.isnan(trends.cvr.recent[1])
    assert trends.cvr.recent[0] == pytest.approx(0.1)


def test_an_excluded_day_does_not_look_like_a_drop_in_spend():
    frame = make_frame()
    frame.spend[0, -2] = -50.0  # a broken row in the recent week
    trends = weekly_comparison(clean_frame(frame), events=())

    assert trends.recent.usable.sum() == 6
    assert trends.spend.recent[0] == pytest.approx(28_000.0)  # six days at 4,000, filled to 7
    assert trends.spend.pct[0] == pytest.approx(0.0)


def test_event_days_are_deseasonalised_and_the_entities_flagged():
    lift = np.ones(21)
    lift[-3:] = 1.5
    figures = {
        name: value * lift[np.newaxis, :]
        for name, value in (("clicks", 200.0), ("conversions", 10.0), ("spend", 4000.0))
    }
    event = SeasonalWindow("Holi sale", date(2025, 3, 28), date(2025, 3, 30), 1.5)

    declared = weekly_comparison(make_frame(**figures), events=(event,))
    undeclared = weekly_comparison(make_frame(**figures), events=())

    assert declared.spend.pct[0] == pytest.approx(0.0)
    assert declared.conversions.pct[0] == pytest.approx(0.0)
    assert undeclared.spend.pct[0] == pytest.approx(100 * 1.5 / 7, rel=1e-9)
    assert declared.has_event.all() and not undeclared.has_event.any()
    assert declared.events == ("Holi sale",)
    assert declared.recent.event_days.sum() == 3


def test_events_outside_the_two_weeks_are_not_mentioned():
    old = SeasonalWindow("Diwali", date(2024, 11, 1), date(2024, 11, 3), 1.4)
    trends = weekly_comparison(make_frame(days=28), events=(old,))
    assert trends.events == ()
    assert not trends.has_event.any()


def test_a_frame_shorter_than_two_weeks_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="need 14 days"):
        weekly_comparison(make_frame(days=10), events=())


def test_an_event_with_a_non_positive_multiplier_is_refused():
    bad = SeasonalWindow("Typo", date(2025, 3, 20), date(2025, 3, 21), 0.0)
    with pytest.raises(ValueError, match=r"multiplier 0\.0"):
        weekly_comparison(make_frame(), events=(bad,))


def test_the_weekday_index_recovers_weekday_demand_and_ignores_event_days():
    pattern = np.array([1.00, 1.03, 1.04, 1.02, 0.97, 0.84, 0.80])  # Monday first
    frame = make_frame(days=56, n=3)
    weekdays = frame.weekdays
    clicks = 1000.0 * pattern[weekdays][np.newaxis, :].repeat(3, axis=0)
    clicks[:, 10] *= 3.0  # a declared event day must not distort its weekday
    frame = make_frame(days=56, n=3, clicks=clicks)
    event_day = frame.dates[10].astype(object)
    event = SeasonalWindow("Flash sale", event_day, event_day, 3.0)

    np.testing.assert_allclose(weekday_index(frame, events=(event,)), pattern / pattern.mean())


counts = arrays(
    np.float64, (3, 14), elements=st.one_of(st.just(0.0), st.floats(0, 1e5, allow_nan=False))
)


_ZEROS = np.zeros((3, 14))
_SUBNORMAL_SPEND = _ZEROS.copy()
_SUBNORMAL_SPEND[0, 0], _SUBNORMAL_SPEND[0, 13] = 2.2250738585072014e-308, 1.0


@settings(max_examples=50, deadline=None)
@given(impressions=counts, clicks=counts, conversions=counts, value=counts, spend=counts)
# Found by hypothesis in CI: 1 after 2e-308 is a ratio a float holds, a percentage it does not.
@example(_ZEROS, _ZEROS, _ZEROS, _ZEROS, _SUBNORMAL_SPEND)
def test_changes_are_never_infinite_for_any_non_negative_data(
    impressions, clicks, conversions, value, spend
):
    frame = make_frame(
        days=14,
        n=3,
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        value=value,
        spend=spend,
    )
    trends = weekly_comparison(frame, events=())  # RuntimeWarnings are errors in this suite
    for metric in ("spend", "conversions", "roas", "cpa", "ctr", "cvr"):
        change = trends.change(metric)
        assert not np.isinf(change.pct).any()
        assert not np.isinf(change.recent).any()
