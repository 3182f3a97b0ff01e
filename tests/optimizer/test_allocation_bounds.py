"""Each campaign's allowed range, and which limit wins when they contradict each other."""

import numpy as np
import pytest

from optimizer.allocation import UNSET, allocate_budgets, budget_bounds
from optimizer.response import ResponseFit


def bounds(current, **kwargs):
    kwargs = {"max_increase_pct": 30, "max_decrease_pct": 30, **kwargs}
    lower, upper = budget_bounds(np.array(current, dtype=np.int64), **kwargs)
    return lower.tolist(), upper.tolist()


def test_the_range_is_minus_x_to_plus_30_percent_rounded_inward():
    # 10 × 0.7 is 7.000000000000001 in floats: the cut must still allow 7, not 8.
    assert bounds([10, 333, 100_000]) == ([7, 234, 70_000], [13, 432, 130_000])


def test_percentages_are_honoured_to_the_basis_point():
    assert bounds([10_000], max_increase_pct=12.5, max_decrease_pct=0.01) == (
        [9_999],
        [11_250],
    )


def test_the_floor_raises_the_lower_bound():
    assert bounds([100_000, 20_000], floor=50_000) == ([70_000, 26_000], [130_000, 26_000])


def test_an_unset_spend_limit_leaves_the_cap_and_a_set_one_lowers_it():
    limit = np.array([UNSET, 110_000])

    assert bounds([100_000, 100_000], max_daily_spend=limit) == (
        [70_000, 70_000],
        [130_000, 110_000],
    )
    assert bounds([100_000], max_daily_spend=np.array([np.inf])) == ([70_000], [130_000])


def test_a_demand_capped_campaign_gets_no_more_budget():
    assert bounds([100_000, 100_000], demand_capped=np.array([True, False])) == (
        [70_000, 70_000],
        [100_000, 130_000],
    )


def test_a_fixed_campaign_stays_at_its_current_budget():
    assert bounds([100_000, 100_000], fixed=np.array([True, False]), floor=120_000) == (
        [100_000, 120_000],
        [100_000, 130_000],
    )


def test_a_budget_above_its_spend_limit_must_come_down_even_past_the_max_decrease():
    # The spend limit is the first promise; the −30 % step limit yields to it.
    assert bounds([100_000], max_daily_spend=np.array([50_000])) == ([50_000], [50_000])
    assert bounds([100_000], max_daily_spend=np.array([80_000])) == ([70_000], [80_000])


def test_a_pinned_budget_above_its_spend_limit_still_comes_down_to_the_limit():
    assert bounds([100_000], max_daily_spend=np.array([60_000]), fixed=np.array([True])) == (
        [60_000],
        [60_000],
    )


def test_a_budget_below_an_unreachable_floor_rises_only_as_far_as_the_cap():
    # Floor ₹1,000, budget ₹500: +30 % reaches ₹650, not the floor. The cap holds.
    assert bounds([50_000], floor=100_000) == ([65_000], [65_000])


def test_a_zero_budget_stays_zero_whatever_the_floor():
    assert bounds([0], floor=10_000) == ([0], [0])


def test_a_floor_above_the_spend_limit_yields_to_the_limit():
    assert bounds([100_000], floor=120_000, max_daily_spend=np.array([90_000])) == (
        [90_000],
        [90_000],
    )


def test_lower_never_exceeds_upper_on_random_contradictory_inputs():
    rng = np.random.default_rng(0)
    n = 2_000
    current = rng.integers(0, 1_000_000, n)
    lower, upper = budget_bounds(
        current,
        max_increase_pct=rng.uniform(0, 50, n),
        max_decrease_pct=rng.uniform(0, 50, n),
        floor=rng.integers(0, 1_000_000, n),
        max_daily_spend=np.where(rng.random(n) < 0.5, rng.integers(0, 1_000_000, n), UNSET),
        fixed=rng.random(n) < 0.3,
        demand_capped=rng.random(n) < 0.3,
    )

    assert np.all(lower <= upper)
    assert np.all(lower >= 0)


def test_a_forced_cut_the_pool_cannot_absorb_changes_nothing():
    # A pinned campaign above its limit must come down, but the other one may only grow
    # by 30 %: the pool total cannot hold, so nothing moves (the spend-limit guardrail,
    # not the allocator, then pauses or cuts it on its own authority).
    current = np.array([100_000, 10_000], dtype=np.int64)
    lower, upper = budget_bounds(
        current,
        max_increase_pct=30,
        max_decrease_pct=30,
        max_daily_spend=np.array([50_000, UNSET]),
        fixed=np.array([True, False]),
    )

    result = allocate_budgets(
        current=current,
        lower=lower,
        upper=upper,
        curve=ResponseFit.power_law(np.ones(2), np.full(2, 0.5)),
    )

    assert not result.feasible
    assert result.budgets.tolist() == current.tolist()


def test_a_forced_cut_the_pool_can_absorb_goes_to_the_best_campaigns():
    current = np.array([100_000, 100_000, 100_000], dtype=np.int64)
    lower, upper = budget_bounds(
        current,
        max_increase_pct=30,
        max_decrease_pct=30,
        max_daily_spend=np.array([80_000, UNSET, UNSET]),
        fixed=np.array([True, False, False]),
    )

    result = allocate_budgets(
        current=current,
        lower=lower,
        upper=upper,
        curve=ResponseFit.power_law(np.array([1.0, 1.0, 1.0]), np.array([0.5, 0.5, 0.5])),
    )

    assert result.feasible
    assert result.budgets.tolist() == [80_000, 110_000, 110_000]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_increase_pct": -1}, "max_increase_pct"),
        ({"max_decrease_pct": 101}, "max_decrease_pct"),
        ({"fixed": np.array([True, False])}, "fixed"),
        ({"max_daily_spend": np.array([10.5])}, "whole minor units"),
    ],
)
def test_nonsense_bounds_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bounds([100_000], **kwargs)


def test_a_negative_budget_is_refused():
    with pytest.raises(ValueError, match="negative at campaign index 1"):
        bounds([100, -5])
