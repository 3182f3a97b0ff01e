"""Budget neutrality without breaking caps: the seed's scale-by-factor sketch does not do it."""

import numpy as np
import pytest

from optimizer.allocation import allocate_budgets, budget_bounds
from optimizer.response import ResponseFit


def seed_naive_reallocation(current, desired, floor):
    """The seed document's version: cap at +30 %, apply the floor, then scale to the total."""
    capped = np.minimum(desired, current * 1.30)
    floored = np.maximum(capped, floor)
    return floored * (current.sum() / floored.sum())


# In rupees, exponent 2: a starved campaign, a saturated one, and one sitting on the floor.
CURRENT = np.array([1_000_000, 1_000_000, 10_000], dtype=np.int64)  # ₹10,000, ₹10,000, ₹100
FLOOR = 10_000  # ₹100
STARVED_SATURATED_FLOORED = ResponseFit.power_law(
    scale=np.array([40.0, 0.5, 0.05]), shape=np.array([0.6, 0.5, 0.5])
)


def test_the_seeds_scaling_pushes_a_capped_campaign_past_its_30_percent_cap():
    # The optimiser wants ₹20,000 for the starved one and ₹6,000 for the saturated one;
    # after capping, the total is short, and scaling everything up breaks the cap.
    desired = np.array([2_000_000.0, 600_000.0, 10_000.0])

    naive = seed_naive_reallocation(CURRENT.astype(float), desired, FLOOR)

    assert naive.sum() == pytest.approx(CURRENT.sum())  # (and not even in whole paise)
    assert naive[0] > CURRENT[0] * 1.30


def test_the_seeds_scaling_pushes_a_campaign_below_its_floor():
    # The other way round: after capping the total is over, and scaling down breaks the floor.
    desired = np.array([1_300_000.0, 900_000.0, 10_000.0])

    naive = seed_naive_reallocation(CURRENT.astype(float), desired, FLOOR)

    assert naive.sum() == pytest.approx(CURRENT.sum())
    assert naive[2] < FLOOR


def test_water_filling_keeps_the_total_and_every_cap_and_floor():
    lower, upper = budget_bounds(CURRENT, max_increase_pct=30, max_decrease_pct=50, floor=FLOOR)

    result = allocate_budgets(
        current=CURRENT, lower=lower, upper=upper, curve=STARVED_SATURATED_FLOORED
    )

    assert result.feasible
    assert int(result.budgets.sum()) == int(CURRENT.sum())
    assert result.budgets[0] == 1_300_000  # the starved campaign gets its full +30 %
    assert np.all(result.budgets <= np.floor(CURRENT * 1.30))
    assert np.all(result.budgets >= FLOOR)
    assert result.budgets[1] == 1_000_000 - 300_000  # the saturated one pays for it
    assert result.expected_value_after.sum() > result.expected_value_before.sum()


def test_when_the_caps_cannot_absorb_the_total_nothing_is_scaled_and_nothing_changes():
    # Every campaign wants less, but the decrease caps allow at most 10 % less: a total 20 %
    # lower cannot be met without breaking them, so the answer is "no", not a rescale.
    lower, upper = budget_bounds(CURRENT, max_increase_pct=30, max_decrease_pct=10, floor=0)
    total = int(CURRENT.sum() * 0.8)

    result = allocate_budgets(
        current=CURRENT,
        lower=lower,
        upper=upper,
        curve=STARVED_SATURATED_FLOORED,
        total=total,
        currency_symbol="₹",
    )

    assert not result.feasible
    assert np.array_equal(result.budgets, CURRENT)
    assert "₹18,090.00" in result.reason  # the minimums
    assert "₹2,010.00 more than the portfolio total of ₹16,080.00" in result.reason
