"""Cleaning: impossible cells are zeroed and excluded with a reason; odd but possible ones kept."""

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optimizer.clean import clean_frame, suspicious_cells, usable_mask
from optimizer.frame import MEASURES, MetricFrame

AS_OF = date(2025, 3, 31)


def make_frame(n: int = 2, d: int = 5, **overrides) -> MetricFrame:
    dates = np.arange(np.datetime64(AS_OF) - d, np.datetime64(AS_OF))
    base = {
        "impressions": np.full((n, d), 1000.0),
        "clicks": np.full((n, d), 50.0),
        "conversions": np.full((n, d), 2.0),
        "value": np.full((n, d), 3000.0),
        "spend": np.full((n, d), 900.0),
    }
    base.update(overrides)
    return MetricFrame(dates, np.arange(100, 100 + n), as_of=AS_OF, **base)


def with_cell(measure: str, value: float, cell=(1, 3)) -> MetricFrame:
    frame = make_frame()
    getattr(frame, measure)[cell] = value
    return frame


def test_a_sound_frame_comes_back_unchanged():
    frame = make_frame()
    cleaned = clean_frame(frame)
    assert cleaned.excluded == {}
    assert usable_mask(cleaned).all()
    for name in MEASURES:
        np.testing.assert_array_equal(getattr(cleaned, name), getattr(frame, name))


@pytest.mark.parametrize(
    ("measure", "bad", "reason"),
    [
        ("spend", np.nan, "spend is not a number"),
        ("value", np.inf, "value is infinite"),
        ("impressions", -np.inf, "impressions is negative infinity"),
        ("conversions", -2.0, "conversions is negative (-2)"),
        ("clicks", 5000.0, "clicks (5000) exceed impressions (1000)"),
    ],
)
def test_each_kind_of_impossible_cell_is_zeroed_and_excluded_with_its_reason(measure, bad, reason):
    cleaned = clean_frame(with_cell(measure, bad))

    assert cleaned.excluded == {(1, 3): reason}
    for name in MEASURES:  # the whole cell goes: its other figures cannot be trusted either
        assert getattr(cleaned, name)[1, 3] == 0.0
    mask = usable_mask(cleaned)
    assert not mask[1, 3]
    assert mask.sum() == mask.size - 1
    assert cleaned.spend[0, 3] == 900.0  # neighbours untouched


def test_every_problem_of_one_cell_is_named():
    frame = make_frame()
    frame.spend[0, 0] = -1.0
    frame.clicks[0, 0] = 2000.0
    assert clean_frame(frame).excluded[(0, 0)] == (
        "spend is negative (-1); clicks (2000) exceed impressions (1000)"
    )


def test_conversions_above_clicks_are_kept_but_listed_as_suspicious():
    frame = make_frame()
    frame.conversions[0, 2] = 50.8  # within one of 50 clicks: ordinary attribution
    frame.conversions[1, 4] = 80.0
    cleaned = clean_frame(frame)

    assert cleaned.excluded == {}
    assert cleaned.conversions[1, 4] == 80.0
    odd = suspicious_cells(cleaned)
    assert list(odd) == [(1, 4)]
    assert odd[(1, 4)].startswith("conversions (80) exceed clicks (50); kept")


def test_reasons_recorded_by_the_loader_are_kept_and_their_cells_zeroed():
    frame = make_frame()
    frame.excluded[(0, 1)] = "quarantined by sync: duplicate row"
    cleaned = clean_frame(frame)
    assert cleaned.excluded == {(0, 1): "quarantined by sync: duplicate row"}
    assert cleaned.spend[0, 1] == 0.0


def test_cleaning_does_not_modify_the_input_frame():
    frame = with_cell("spend", np.nan)
    clean_frame(frame)
    assert np.isnan(frame.spend[1, 3])
    assert frame.excluded == {}


cells = arrays(
    np.float64,
    (3, 4),
    elements=st.one_of(
        st.floats(-5, 1e6, allow_nan=False),
        st.sampled_from([np.nan, np.inf, -np.inf, 0.0]),
    ),
)


@settings(max_examples=60, deadline=None)
@given(impressions=cells, clicks=cells, conversions=cells, value=cells, spend=cells)
def test_cleaned_cells_are_always_finite_non_negative_consistent_and_cleaning_twice_changes_nothing(
    impressions, clicks, conversions, value, spend
):
    frame = make_frame(
        3,
        4,
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        value=value,
        spend=spend,
    )
    cleaned = clean_frame(frame)

    for name in MEASURES:
        values = getattr(cleaned, name)
        assert np.isfinite(values).all()
        assert (values >= 0).all()
    assert (cleaned.clicks <= cleaned.impressions).all()
    assert all(reason for reason in cleaned.excluded.values())
    # Exactly the cells that were touched are excluded.
    changed = np.zeros((3, 4), dtype=bool)
    for name in MEASURES:
        before, after = getattr(frame, name), getattr(cleaned, name)
        changed |= ~np.isclose(np.nan_to_num(before, nan=-1.0), after)
    assert not (changed & usable_mask(cleaned)).any()

    again = clean_frame(cleaned)
    assert again.excluded == cleaned.excluded
    for name in MEASURES:
        np.testing.assert_array_equal(getattr(again, name), getattr(cleaned, name))
