"""Money in integer minor units, and largest-remainder rounding that keeps totals exact."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.money import format_minor, from_minor, largest_remainder, to_minor


@pytest.mark.parametrize("exponent", [0, 2])
@given(minor=st.lists(st.integers(-(10**15), 10**15), max_size=30))
def test_minor_units_round_trip_through_decimals(exponent, minor):
    decimals = from_minor(np.array(minor, dtype=np.int64), exponent)

    assert all(d.as_tuple().exponent == -exponent for d in decimals)
    assert to_minor(np.array(decimals, dtype=object), exponent).tolist() == minor


@pytest.mark.parametrize("exponent", [0, 2])
@given(minor=st.lists(st.integers(0, 10**12), max_size=30))
def test_float_amounts_that_are_whole_minor_units_convert_exactly(exponent, minor):
    amounts = np.array(minor, dtype=np.float64) / 10**exponent

    assert to_minor(amounts, exponent).tolist() == minor


def test_decimals_round_half_up_at_the_minor_unit():
    amounts = np.array([Decimal("1.005"), Decimal("2.004"), Decimal("-1.005")], dtype=object)

    assert to_minor(amounts, 2).tolist() == [101, 200, -101]
    assert int(to_minor(Decimal("12.5"), 0)) == 13


def test_floats_round_as_they_are_written_not_as_they_are_stored():
    # 1.005 is stored as 1.00499999999999989…; a person wrote 1.005 and expects 1.01.
    assert to_minor(np.array([1.005, 0.125, 2.675]), 2).tolist() == [101, 13, 268]


def test_from_minor_keeps_the_currency_places():
    assert from_minor([125000, 7], 2) == [Decimal("1250.00"), Decimal("0.07")]
    assert from_minor([125000], 0) == [Decimal("125000")]


def test_a_non_finite_amount_is_refused():
    with pytest.raises(ValueError, match="finite"):
        to_minor(np.array([1.0, np.nan]), 2)


def test_format_minor_reads_like_money():
    assert format_minor(125000, 2, "₹") == "₹1,250.00"
    assert format_minor(-5, 2) == "-0.05"
    assert format_minor(1234567, 0, "¥") == "¥1,234,567"


@st.composite
def roundable(draw):
    n = draw(st.integers(1, 40))
    lower = np.array(draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n)))
    room = np.array(draw(st.lists(st.integers(0, 10**4), min_size=n, max_size=n)))
    upper = lower + room
    share = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    target = int(lower.sum()) + draw(st.integers(0, int(room.sum())))
    # An ideal inside the bounds that sums to the target (water-filling leaves one like it).
    extra = target - lower.sum()
    if room.sum() > 0:
        weights = share * room + 1e-9 * room
        ideal = lower + np.minimum(room, extra * weights / weights.sum())
        for _ in range(50):
            gap = target - ideal.sum()
            free = upper - ideal
            if abs(gap) < 1e-9 or free.sum() <= 0:
                break
            ideal = ideal + np.minimum(free, gap * free / free.sum())
    else:
        ideal = lower.astype(float)
    return target, ideal, lower, upper


@given(case=roundable())
def test_largest_remainder_hits_the_total_exactly_within_bounds(case):
    target, ideal, lower, upper = case

    result = largest_remainder(target, ideal, lower, upper)

    assert result.dtype == np.int64
    assert int(result.sum()) == target
    assert np.all(result >= lower) and np.all(result <= upper)
    assert np.all(np.abs(result - ideal) < 1 + 1e-6)


def test_largest_remainder_gives_the_units_to_the_largest_fractions():
    ideal = np.array([1.2, 1.7, 1.5, 1.6])

    result = largest_remainder(7, ideal, np.zeros(4, dtype=np.int64), np.full(4, 10))

    assert result.tolist() == [1, 2, 2, 2]


def test_largest_remainder_breaks_ties_by_index():
    ideal = np.array([1.5, 1.5, 1.5, 1.5])

    result = largest_remainder(6, ideal, np.zeros(4, dtype=np.int64), np.full(4, 10))

    assert result.tolist() == [2, 2, 1, 1]
    assert largest_remainder(7, ideal - 0.25, np.zeros(4), np.full(4, 10)).tolist() == [
        2,
        2,
        2,
        1,
    ]


def test_largest_remainder_refuses_bounds_that_cannot_hold_the_total():
    with pytest.raises(ValueError, match="cannot hold"):
        largest_remainder(100, np.array([10.0, 10.0]), np.array([0, 0]), np.array([40, 40]))


def test_largest_remainder_refuses_an_ideal_that_does_not_sum_to_the_total():
    with pytest.raises(ValueError, match="does not round"):
        largest_remainder(30, np.array([10.0, 10.0]), np.array([0, 0]), np.array([40, 40]))


def test_largest_remainder_works_with_unset_int64_caps():
    unset = np.iinfo(np.int64).max

    result = largest_remainder(10, np.array([3.5, 6.5]), np.array([0, 0]), np.array([unset, unset]))

    assert result.tolist() == [4, 6]
