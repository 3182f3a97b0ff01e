"""Properties of the allocator over random portfolios: the constraints are hard."""

from fractions import Fraction
from math import ceil, floor

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from optimizer.allocation import UNSET, allocate_budgets, budget_bounds
from optimizer.response import ResponseFit


@st.composite
def portfolios(draw):
    n = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = rng.choice(3, size=n, p=[0.1, 0.2, 0.7])
    current = np.where(
        kind == 0,
        0,
        np.where(
            kind == 1,
            rng.integers(1, 200, n),
            np.exp(rng.uniform(np.log(1e3), np.log(1e8), n)).astype(np.int64),
        ),
    ).astype(np.int64)
    inc_bp = draw(st.integers(0, 5000))  # percentages to 0.01 %, so the test can be exact
    dec_bp = draw(st.integers(0, 5000))
    floor_kind = draw(st.sampled_from(["none", "small", "median"]))
    floor_value = {"none": 0, "small": 100, "median": int(np.median(current))}[floor_kind]
    limited = rng.random(n) < draw(st.floats(0, 1))
    limit = np.where(limited, (current * rng.uniform(0.3, 2.0, n)).astype(np.int64), UNSET).astype(
        np.int64
    )
    fixed = rng.random(n) < draw(st.floats(0, 0.6))
    demand_capped = rng.random(n) < 0.2
    exponent = draw(st.sampled_from([0, 2]))
    unit = 10.0**exponent
    scale = np.where(rng.random(n) < 0.1, 0.0, np.exp(rng.uniform(np.log(1e-3), np.log(1e2), n)))
    shape = rng.uniform(0.05, 0.95, n)
    cap = np.where(rng.random(n) < 0.2, current / unit * rng.uniform(0.3, 1.5, n), np.inf)
    curve = ResponseFit.power_law(scale, shape, cap)
    total_kind = draw(st.sampled_from(["current", "current", "current", "other"]))
    total = None
    if total_kind == "other":
        total = max(0, int(current.sum() * draw(st.floats(0.5, 1.5))))
    return dict(
        current=current,
        inc_bp=inc_bp,
        dec_bp=dec_bp,
        floor=floor_value,
        limit=limit,
        fixed=fixed,
        demand_capped=demand_capped,
        curve=curve,
        total=total,
        exponent=exponent,
        min_change_pct=draw(st.sampled_from([0.0, 2.0, 5.0])),
    )


def allocate(p):
    lower, upper = budget_bounds(
        p["current"],
        max_increase_pct=p["inc_bp"] / 100,
        max_decrease_pct=p["dec_bp"] / 100,
        floor=p["floor"],
        max_daily_spend=p["limit"],
        fixed=p["fixed"],
        demand_capped=p["demand_capped"],
    )
    result = allocate_budgets(
        current=p["current"],
        lower=lower,
        upper=upper,
        curve=p["curve"],
        total=p["total"],
        min_change_pct=p["min_change_pct"],
        exponent=p["exponent"],
    )
    return lower, upper, result


# Under CI the examples are fixed for every property test (tests/conftest.py's profile).
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(p=portfolios())
def test_a_feasible_allocation_holds_every_constraint_and_the_total_to_the_unit(p):
    lower, upper, result = allocate(p)
    if not result.feasible:
        return
    budgets, current = result.budgets, p["current"]
    total = int(current.sum()) if p["total"] is None else p["total"]

    assert budgets.dtype == np.int64
    assert int(budgets.sum()) == total
    assert np.all(budgets >= lower) and np.all(budgets <= upper)
    assert np.all(budgets <= p["limit"])
    for i in range(len(current)):
        c, b, limit = int(current[i]), int(budgets[i]), int(p["limit"][i])
        cap_up = floor(Fraction(c) * (1 + Fraction(p["inc_bp"], 10_000)))
        cap_down = ceil(Fraction(c) * (1 - Fraction(p["dec_bp"], 10_000)))
        if p["fixed"][i]:
            assert b == min(c, limit), "a fixed campaign moves only to obey its spend limit"
            continue
        assert b <= cap_up, "never above the increase cap"
        if p["demand_capped"][i]:
            assert b <= c, "a demand-capped campaign never gets more budget"
        assert b >= min(cap_down, limit), "never below the max decrease unless over the limit"
        reachable = min(cap_up, limit, c if p["demand_capped"][i] else cap_up)
        assert b >= min(p["floor"], reachable), "never below the floor unless unreachable"


@PROPERTY_SETTINGS
@given(p=portfolios())
def test_an_infeasible_portfolio_changes_nothing_and_says_why(p):
    lower, upper, result = allocate(p)
    total = int(p["current"].sum()) if p["total"] is None else p["total"]
    bounds_hold_total = int(lower.sum()) <= total <= int(upper.astype(object).sum())

    assert result.feasible == bounds_hold_total
    if not result.feasible:
        assert np.array_equal(result.budgets, p["current"])
        assert "no budget was changed" in result.reason
        assert ("minimum budgets" in result.reason) or ("maximum budgets" in result.reason)
        assert np.isnan(result.lam)


@PROPERTY_SETTINGS
@given(p=portfolios())
def test_the_allocation_never_lowers_expected_value_when_the_current_budgets_are_allowed(p):
    p["total"] = None
    lower, upper, result = allocate(p)
    current = p["current"]
    if not (result.feasible and np.all((current >= lower) & (current <= upper))):
        return

    after = p["curve"].value(result.budgets / 10.0 ** p["exponent"]).sum()
    before = p["curve"].value(current / 10.0 ** p["exponent"]).sum()

    assert after >= before
    assert result.expected_value_after.sum() == after


# The example CI once met, rebuilt: campaign 0 is above its spend limit and must give up
# 6, which campaigns 1 (room 6) and 2 (room 5) share as +1 and +5. Holding campaign 1
# (the smallest relative change) cannot work, the total needs its room; the search for
# holdable changes stopped there, so campaign 2's +5 (3.3 %, under the 5 % minimum)
# survived, though holding it and giving campaign 1 all 6 holds the total.
BEHIND_A_NEEDED_CAMPAIGN = dict(
    current=np.array([106, 40, 150], dtype=np.int64),
    inc_bp=5000,
    dec_bp=5000,
    floor=0,
    limit=np.array([100, 46, 155], dtype=np.int64),
    fixed=np.zeros(3, dtype=bool),
    demand_capped=np.zeros(3, dtype=bool),
    curve=ResponseFit.power_law(np.array([100.0, 1.0, 10.0]), np.full(3, 0.5), np.full(3, np.inf)),
    total=None,
    exponent=0,
    min_change_pct=5.0,
)


@PROPERTY_SETTINGS
@given(p=portfolios())
@example(p=BEHIND_A_NEEDED_CAMPAIGN)
def test_changes_below_the_minimum_are_not_recommended_unless_the_total_requires_them(p):
    p["total"] = None
    lower, upper, result = allocate(p)
    current = p["current"]
    if not result.feasible:
        return
    movable = (current >= lower) & (current <= upper) & (lower < upper)
    change = np.abs(result.budgets - current)
    # One unit of margin: rounding to minor units may push a change across the threshold.
    small = movable & (change > 1) & (change < p["min_change_pct"] / 100 * current - 1)
    if not small.any():
        return

    # A small change survives only when the total forced it: had it been held at its
    # current budget, together with every campaign the allocation left alone, the rest
    # could not have absorbed the total.
    held = small | (movable & (change == 0))
    held_lower = np.where(held, current, lower)
    held_upper = np.where(held, current, upper)
    total = int(current.sum())
    assert not (int(held_lower.sum()) <= total <= int(held_upper.astype(object).sum()))
