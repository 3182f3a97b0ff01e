"""Water-filling finds the best allocation the curves allow."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from optimizer.allocation import UNSET, allocate_budgets
from optimizer.response import ResponseFit


def random_curves(rng, n):
    return ResponseFit.power_law(
        scale=np.exp(rng.uniform(np.log(0.1), np.log(50.0), n)),
        shape=rng.uniform(0.1, 0.9, n),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40))
def test_no_random_feasible_reallocation_beats_water_filling(seed, n):
    rng = np.random.default_rng(seed)
    curve = random_curves(rng, n)
    current = rng.integers(100_000, 10_000_000, n)
    lower, upper = np.zeros(n, dtype=np.int64), np.full(n, UNSET)

    result = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=0.0
    )
    best = curve.value(result.budgets / 100).sum()
    # Whole paise cost a little against the continuous optimum; a perturbation may win
    # back at most what one paisa either way is worth to each campaign.
    budgets = result.budgets / 100
    rounding = (curve.value(budgets + 0.01) - curve.value(np.maximum(budgets - 0.01, 0))).sum()
    tolerance = best * 1e-12 + rounding

    for _ in range(200):
        # Move a random amount between two random campaigns (still ≥ 0, same total).
        i, j = rng.choice(n, size=2, replace=False)
        moved = result.budgets.copy()
        amount = int(rng.uniform(0, 1) * moved[i])
        moved[i] -= amount
        moved[j] += amount
        assert curve.value(moved / 100).sum() <= best + tolerance
        scattered = rng.dirichlet(np.ones(n)) * current.sum()
        assert curve.value(scattered / 100).sum() <= best + tolerance


@pytest.mark.parametrize("seed", range(8))
def test_water_filling_matches_scipy_slsqp_with_bounds(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    curve = random_curves(rng, n)
    current = rng.integers(100_000, 1_000_000, n)
    lower = (current * rng.uniform(0.5, 1.0, n)).astype(np.int64)
    upper = (current * rng.uniform(1.0, 1.5, n)).astype(np.int64)
    total = int(current.sum())

    result = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=0.0
    )
    # SLSQP works on budgets in units of the mean budget and value relative to today's.
    unit = current.mean() / 100
    base = curve.value(current / 100).sum()
    reference = minimize(
        lambda x: -curve.value(x * unit).sum() / base,
        x0=current / 100 / unit,
        jac=lambda x: -curve.marginal(x * unit) * unit / base,
        bounds=list(zip(lower / 100 / unit, upper / 100 / unit, strict=True)),
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - total / 100 / unit}],
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )

    assert reference.success
    ours = curve.value(result.budgets / 100).sum()
    assert ours >= -reference.fun * base * (1 - 1e-7)
    assert result.budgets / 100 == pytest.approx(reference.x * unit, rel=1e-3, abs=0.05)


@pytest.mark.parametrize("seed", range(5))
def test_campaigns_inside_their_bounds_share_one_marginal_return(seed):
    rng = np.random.default_rng(seed)
    n = 50
    curve = random_curves(rng, n)
    current = rng.integers(1_000_000, 10_000_000, n)
    lower = (current * 0.7).astype(np.int64)
    upper = (current * 1.3).astype(np.int64)

    result = allocate_budgets(
        current=current, lower=lower, upper=upper, curve=curve, min_change_pct=0.0
    )
    marginal = result.marginal_after
    inside = (result.budgets > lower + 1) & (result.budgets < upper - 1)
    at_upper = result.budgets >= upper - 1
    at_lower = result.budgets <= lower + 1

    assert inside.any() and at_upper.any() and at_lower.any()
    assert marginal[inside] == pytest.approx(np.full(inside.sum(), result.lam), rel=1e-4)
    assert np.all(marginal[at_upper] >= result.lam * (1 - 1e-4))
    assert np.all(marginal[at_lower] <= result.lam * (1 + 1e-4))


def test_the_surplus_no_campaign_can_use_goes_back_where_it_was():
    # Both campaigns are demand-capped far below their budgets: no allocation earns more,
    # so the total stays where it is instead of drifting to an arbitrary campaign.
    curve = ResponseFit.power_law(
        scale=np.array([2.0, 3.0]), shape=np.array([0.5, 0.5]), spend_cap=np.array([10.0, 20.0])
    )
    current = np.array([100_000, 50_000], dtype=np.int64)

    result = allocate_budgets(
        current=current,
        lower=np.array([10_000, 5_000]),
        upper=np.array([130_000, 65_000]),
        curve=curve,
    )

    assert result.feasible
    assert result.budgets.tolist() == current.tolist()
