"""The allocator at the edges: empty pools, single campaigns, fixed pools, huge pools."""

import numpy as np
import pytest

from optimizer.allocation import UNSET, allocate_budgets, budget_bounds
from optimizer.response import ResponseFit


def flat_curves(n, scale=1.0, shape=0.5):
    return ResponseFit.power_law(np.full(n, scale), np.full(n, shape))


def test_a_lower_bound_above_the_upper_bound_is_a_caller_error_naming_the_campaign():
    with pytest.raises(ValueError, match="campaign index 2 has lower bound 90 above its upper"):
        allocate_budgets(
            current=np.array([50, 50, 50]),
            lower=np.array([0, 0, 90]),
            upper=np.array([100, 100, 80]),
            curve=flat_curves(3),
        )


def test_mismatched_lengths_are_a_caller_error():
    with pytest.raises(ValueError, match="one entry per campaign"):
        allocate_budgets(
            current=np.array([50, 50]),
            lower=np.array([0, 0]),
            upper=np.array([100, 100]),
            curve=flat_curves(3),
        )


def test_an_empty_pool_is_trivially_feasible():
    empty = np.array([], dtype=np.int64)

    result = allocate_budgets(current=empty, lower=empty, upper=empty, curve=flat_curves(0))

    assert result.feasible
    assert result.budgets.shape == (0,)


def test_a_single_campaign_keeps_the_whole_total():
    result = allocate_budgets(
        current=np.array([12_345]),
        lower=np.array([10_000]),
        upper=np.array([16_000]),
        curve=flat_curves(1),
    )

    assert result.feasible
    assert result.budgets.tolist() == [12_345]


def test_a_single_campaign_takes_a_new_total_within_its_bounds():
    result = allocate_budgets(
        current=np.array([12_345]),
        lower=np.array([10_000]),
        upper=np.array([16_000]),
        curve=flat_curves(1),
        total=15_000,
    )

    assert result.budgets.tolist() == [15_000]


def test_a_pool_where_everything_is_fixed_stays_as_it_is():
    current = np.array([1_000, 2_000, 3_000])

    result = allocate_budgets(current=current, lower=current, upper=current, curve=flat_curves(3))

    assert result.feasible
    assert result.budgets.tolist() == current.tolist()
    assert not result.changed.any()


def test_a_fixed_pool_cannot_meet_a_different_total_and_says_so():
    current = np.array([1_000, 2_000, 3_000])

    result = allocate_budgets(
        current=current, lower=current, upper=current, curve=flat_curves(3), total=7_000
    )

    assert not result.feasible
    assert result.budgets.tolist() == current.tolist()
    assert "maximum budgets of the 3 campaign(s)" in result.reason


def test_the_reason_names_the_floors_and_the_shortfall_in_money():
    current = np.full(12, 20_000, dtype=np.int64)  # twelve campaigns at ₹200
    lower, upper = budget_bounds(
        current, max_increase_pct=30, max_decrease_pct=30, floor=20_000
    )  # a ₹200 floor: none of them may go down

    result = allocate_budgets(
        current=current,
        lower=lower,
        upper=upper,
        curve=flat_curves(12),
        total=int(current.sum()) - 125_000,
        currency_symbol="₹",
    )

    assert not result.feasible
    assert result.reason == (
        "The minimum budgets of 12 campaign(s) (0 of them fixed) add up to ₹2,400.00, "
        "₹1,250.00 more than the portfolio total of ₹1,150.00; no budget was changed."
    )


def test_zero_budget_campaigns_neither_break_nor_attract_the_allocation():
    current = np.array([0, 100_000, 100_000, 0], dtype=np.int64)
    curve = ResponseFit.power_law(np.array([5.0, 1.0, 3.0, 0.0]), np.full(4, 0.5))
    lower, upper = budget_bounds(current, max_increase_pct=30, max_decrease_pct=30, floor=1_000)

    result = allocate_budgets(current=current, lower=lower, upper=upper, curve=curve)

    assert result.feasible
    assert result.budgets[[0, 3]].tolist() == [0, 0]  # a zero budget stays zero
    assert result.budgets.sum() == current.sum()
    assert result.budgets[2] > result.budgets[1]
    assert np.isfinite(result.expected_value_after).all()


def test_a_zero_budget_campaign_the_caller_allows_to_grow_gets_budget():
    # Its marginal return at zero is unbounded, so any room above zero is used first.
    current = np.array([0, 100_000], dtype=np.int64)
    curve = ResponseFit.power_law(np.array([1.0, 1.0]), np.array([0.5, 0.5]))

    result = allocate_budgets(
        current=current,
        lower=np.array([0, 50_000]),
        upper=np.array([30_000, 130_000]),
        curve=curve,
    )

    assert result.budgets.tolist() == [30_000, 70_000]


def test_small_changes_are_snapped_back_and_the_total_still_holds():
    # The best campaign takes its +30 %, the worst gives its −29 %, and the middle one
    # would absorb the last 1 %: not worth a recommendation, so the others re-solve.
    current = np.array([100_000, 100_000, 100_000], dtype=np.int64)
    curve = ResponseFit.power_law(np.array([1.0, 0.1, 10.0]), np.full(3, 0.5))
    lower, upper = budget_bounds(
        current, max_increase_pct=30, max_decrease_pct=np.array([30, 29, 30])
    )

    loose = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=0.0
    )
    snapped = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=2.0
    )

    assert loose.budgets.tolist() == [99_000, 71_000, 130_000]
    assert snapped.budgets.tolist() == [100_000, 71_000, 129_000]


def test_a_small_change_is_held_even_behind_one_the_total_cannot_do_without():
    # Campaign 0 must come down 6 to its spend limit. Campaign 1 would take +1 and
    # campaign 2 +5 (3.3 %): both under the 5 % minimum. Campaign 1 cannot be held (only
    # its room can take the 6 with campaign 2 held), but campaign 2 can: it stays put.
    current = np.array([106, 40, 150], dtype=np.int64)
    curve = ResponseFit.power_law(np.array([100.0, 1.0, 10.0]), np.full(3, 0.5))
    lower, upper = budget_bounds(
        current,
        max_increase_pct=50,
        max_decrease_pct=50,
        max_daily_spend=np.array([100, 46, 155]),
    )

    result = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=5.0, exponent=0
    )

    assert result.budgets.tolist() == [100, 46, 150]


def test_a_demand_capped_campaign_gives_up_budget_it_cannot_spend():
    # Campaign 0 spends about ₹600 of its ₹1,000; campaign 1 is starved.
    current = np.array([100_000, 100_000], dtype=np.int64)
    curve = ResponseFit.power_law(
        np.array([3.0, 3.0]), np.array([0.5, 0.5]), spend_cap=np.array([600.0, np.inf])
    )
    lower, upper = budget_bounds(
        current, max_increase_pct=30, max_decrease_pct=30, demand_capped=np.array([True, False])
    )

    result = allocate_budgets(current=current, lower=lower, upper=upper, curve=curve)

    assert result.budgets.tolist() == [70_000, 130_000]
    assert result.expected_value_after[0] == result.expected_value_before[0]


def test_inputs_are_not_modified_and_the_answer_is_deterministic():
    rng = np.random.default_rng(1)
    current = rng.integers(1_000, 100_000, 30)
    lower, upper = budget_bounds(current, max_increase_pct=30, max_decrease_pct=20, floor=500)
    curve = ResponseFit.power_law(rng.uniform(0.1, 5, 30), rng.uniform(0.2, 0.8, 30))
    copies = current.copy(), lower.copy(), upper.copy()

    first = allocate_budgets(current=current, lower=lower, upper=upper, curve=curve)
    second = allocate_budgets(current=current, lower=lower, upper=upper, curve=curve)

    assert np.array_equal(first.budgets, second.budgets)
    for original, copy in zip((current, lower, upper), copies, strict=True):
        assert np.array_equal(original, copy)


def test_ten_thousand_campaigns_allocate_exactly():
    rng = np.random.default_rng(2)
    n = 10_000
    current = rng.integers(10_000, 10_000_000, n)
    fixed = rng.random(n) < 0.2
    limit = np.where(rng.random(n) < 0.3, (current * 1.1).astype(np.int64), UNSET)
    lower, upper = budget_bounds(
        current,
        max_increase_pct=30,
        max_decrease_pct=30,
        floor=10_000,
        max_daily_spend=limit,
        fixed=fixed,
    )
    curve = ResponseFit.power_law(rng.uniform(0.1, 20, n), rng.uniform(0.05, 0.95, n))

    result = allocate_budgets(current=current, lower=lower, upper=upper, curve=curve)

    assert result.feasible
    assert int(result.budgets.sum()) == int(current.sum())
    assert np.all((result.budgets >= lower) & (result.budgets <= upper))
    assert np.array_equal(result.budgets[fixed], current[fixed])
    assert result.expected_value_after.sum() > result.expected_value_before.sum()


def test_the_reason_of_a_feasible_allocation_says_what_moved():
    current = np.array([100_000, 100_000], dtype=np.int64)
    curve = ResponseFit.power_law(np.array([1.0, 3.0]), np.array([0.5, 0.5]))
    lower, upper = budget_bounds(current, max_increase_pct=30, max_decrease_pct=30)

    result = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, currency_symbol="₹"
    )

    assert result.reason.startswith("Moved ₹300.00 from 1 campaign(s) to 1 campaign(s)")
    assert "expected value +₹" in result.reason
