"""Fitting diminishing-returns curves from daily spend and value."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.response import ResponseFit, fit_response

DAYS = 56


def noise(rng, shape, sigma=0.15):
    """Mean-one multiplicative noise, like the platform's."""
    return np.exp(sigma * rng.standard_normal(shape) - sigma**2 / 2)


def stepped_spend(rng, n, days, low=0.5, high=2.0, step=3):
    """Budgets that change every `step` days, as the optimiser moves them."""
    base = rng.uniform(500, 5000, (n, 1))
    levels = np.exp(rng.uniform(np.log(low), np.log(high), (n, days // step + 1)))
    return base * np.repeat(levels, step, axis=1)[:, :days]


def test_with_constant_spend_the_shape_is_the_prior_and_ranking_follows_average_roas():
    rng = np.random.default_rng(7)
    roas = np.array([0.8, 3.0, 1.5, 6.0, 2.2])
    spend = np.full((5, DAYS), 1000.0)
    value = spend * roas[:, None] * noise(rng, spend.shape)

    fit = fit_response(spend, value, prior_shape=0.5)

    assert fit.shape == pytest.approx(np.full(5, 0.5))
    assert not fit.data_driven.any()
    assert np.all(fit.spend_variation == 0)
    marginal = fit.marginal(np.full(5, 1000.0))
    assert np.argsort(marginal).tolist() == np.argsort(roas).tolist()
    # The curve passes through the observed average: marginal = β · ROAS (shrunk slightly).
    assert marginal == pytest.approx(0.5 * fit.roas, rel=0.05)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_with_varied_spend_a_known_power_law_is_recovered(seed):
    rng = np.random.default_rng(seed)
    true_shape = np.array([0.2, 0.35, 0.5, 0.65, 0.8])
    true_scale = rng.uniform(0.5, 20, 5)
    spend = stepped_spend(rng, 5, 120)
    value = true_scale[:, None] * spend ** true_shape[:, None] * noise(rng, spend.shape)

    fit = fit_response(spend, value, pool=False)

    assert fit.shape == pytest.approx(true_shape, abs=0.1)
    assert np.all(np.abs(fit.shape - true_shape) < 3 * fit.shape_sd)
    assert fit.data_driven.all()
    middle = np.median(spend, axis=1)
    expected = true_scale * middle**true_shape
    assert fit.value(middle) == pytest.approx(expected, rel=0.05)


def test_little_spend_variation_moves_the_shape_only_part_of_the_way_from_the_prior():
    rng = np.random.default_rng(11)
    spend = stepped_spend(rng, 200, 28, low=0.95, high=1.05)
    value = 2.0 * spend**0.9 * noise(rng, spend.shape)

    fit = fit_response(spend, value, pool=False)

    # Individual campaigns barely learn; on average they lean toward the truth but are
    # held near the prior rather than jumping to 0.9 on ±5 % of variation.
    assert np.all(fit.data_share < 0.5)
    assert 0.5 < fit.shape.mean() < 0.7


def test_pooling_lends_a_held_campaign_the_shape_the_others_showed():
    rng = np.random.default_rng(5)
    spend = stepped_spend(rng, 8, 90)
    spend[0] = 1500.0  # held flat: no evidence of its own
    value = 3.0 * spend**0.25 * noise(rng, spend.shape)

    pooled = fit_response(spend, value, pool=True)
    alone = fit_response(spend, value, pool=False)

    assert alone.shape[0] == pytest.approx(0.5)
    assert pooled.shape[0] < 0.35
    assert not pooled.data_driven[0]


def test_a_campaign_spending_clearly_below_its_budget_is_demand_capped():
    rng = np.random.default_rng(3)
    budget = np.full((3, DAYS), 2000.0)
    spend = np.stack(
        [
            1100.0 * noise(rng, DAYS, 0.1),  # demand runs out near 1,100 a day
            2000.0 * np.ones(DAYS),  # spends its budget: budget-limited
            np.r_[1000.0 * np.ones(DAYS - 14), 2000.0 * np.ones(14)],  # recovered lately
        ]
    )
    value = 3.0 * spend * noise(rng, spend.shape)

    fit = fit_response(spend, value, budget=budget)

    assert fit.demand_capped.tolist() == [True, False, False]
    assert 1100 < fit.spend_cap[0] < 1500
    assert np.isinf(fit.spend_cap[1:]).all()
    assert fit.spend_ratio[0] == pytest.approx(0.55, abs=0.05)
    assert fit.marginal(np.array([1800.0, 1800.0, 1800.0]))[0] == 0
    assert fit.value(np.array([3000.0, 0, 0]))[0] == fit.value(np.array([1800.0, 0, 0]))[0]


def test_demand_limited_days_do_not_teach_the_slope():
    # Spend moves with demand, so value tracks it one-for-one: a slope of 1 that budget
    # changes could never buy. Those days must not count as evidence of curvature.
    rng = np.random.default_rng(9)
    demand = 1000.0 * noise(rng, (1, DAYS), 0.4)
    spend, value = demand, 4.0 * demand

    fit = fit_response(spend, value, budget=np.full((1, DAYS), 5000.0), prior_shape=0.5)

    assert fit.shape[0] == pytest.approx(0.5)
    assert fit.demand_capped[0]


def test_zero_spend_and_missing_campaigns_produce_no_nan_or_inf():
    spend = np.zeros((4, DAYS))
    value = np.zeros((4, DAYS))
    spend[1], value[1] = np.nan, np.nan
    spend[2], value[2] = 1000.0, 2500.0  # a normal neighbour
    weight = np.ones((4, DAYS))
    weight[3] = 0.0
    budget = np.full((4, DAYS), 1000.0)

    for kwargs in ({}, {"budget": budget}):
        fit = fit_response(spend, value, weight, **kwargs)
        for name in ("scale", "shape", "shape_sd", "data_share", "effective_days"):
            assert np.all(np.isfinite(getattr(fit, name))), name
        budgets = np.full(4, 500.0)
        assert np.all(np.isfinite(fit.value(budgets)))
        assert np.all(np.isfinite(fit.marginal(budgets)))
        assert np.all(np.isfinite(fit.budget_at_marginal(1.0)))
        assert fit.has_data.tolist() == [False, False, True, False]


def test_an_empty_history_fits_without_error():
    fit = fit_response(np.zeros((3, 0)), np.zeros((3, 0)), budget=np.zeros((3, 0)))

    assert np.all(fit.scale == 0)
    assert fit.shape == pytest.approx(np.full(3, 0.5))


def test_a_campaign_without_history_is_valued_at_the_portfolio_average_roas():
    spend = np.full((2, DAYS), 1000.0)
    value = spend * np.array([[2.0], [4.0]])
    spend = np.vstack([spend, np.full(DAYS, np.nan)])
    value = np.vstack([value, np.full(DAYS, np.nan)])
    budget = np.full((3, DAYS), 1000.0)

    fit = fit_response(spend, value, budget=budget)

    assert fit.value(np.full(3, 1000.0))[2] == pytest.approx(3.0 * 1000.0)
    assert not fit.demand_capped[2]


def test_a_few_noisy_days_are_shrunk_toward_the_average_and_steady_weeks_are_not():
    spend = np.full((4, DAYS), 1000.0)
    value = spend * 2.0
    value[1] = spend[1] * 5.0  # eight steady weeks at ROAS 5
    weight = np.ones((4, DAYS))
    weight[2, :-2] = 0.0  # a new campaign: two days, ROAS 9 then 1 (average 5)
    value[2, -2:] = spend[2, -2:] * np.array([9.0, 1.0])

    fit = fit_response(spend, value, weight)
    roas_at_budget = fit.value(np.full(4, 1000.0)) / 1000.0

    assert roas_at_budget[1] == pytest.approx(5.0, rel=0.01)
    assert 2.5 < roas_at_budget[2] < 4.6
    assert roas_at_budget[0] == pytest.approx(2.0, rel=0.01)


def test_excluded_days_do_not_influence_the_fit():
    rng = np.random.default_rng(4)
    spend = stepped_spend(rng, 4, DAYS)
    value = 1.5 * spend**0.6 * noise(rng, spend.shape)
    weight = np.ones(spend.shape)
    weight[:, 10:17] = 0.0
    polluted = value.copy()
    polluted[:, 10:17] *= 50.0  # an outage or tracking glitch, excluded by cleaning

    clean = fit_response(spend, value, weight)
    dirty = fit_response(spend, polluted, weight)

    assert dirty.shape == pytest.approx(clean.shape)
    assert dirty.scale == pytest.approx(clean.scale)
    assert clean.n_days.tolist() == [DAYS - 7] * 4


@given(
    scale=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=20),
    data=st.data(),
)
def test_budget_at_marginal_is_the_inverse_of_the_marginal(scale, data):
    n = len(scale)
    shape = data.draw(st.lists(st.floats(0.05, 0.95), min_size=n, max_size=n))
    lam = data.draw(st.floats(1e-3, 1e2))
    curve = ResponseFit.power_law(np.array(scale), np.array(shape))

    budget = curve.budget_at_marginal(lam)

    assert np.all(np.isfinite(budget)) or np.any(np.array(shape) > 0.9)
    positive = (np.array(scale) > 0) & np.isfinite(budget) & (budget > 1e-200) & (budget < 1e200)
    assert curve.marginal(budget)[positive] == pytest.approx(np.full(positive.sum(), lam))
    assert np.all(budget[np.array(scale) == 0] == 0)


def test_budget_at_marginal_is_vectorised_and_non_increasing():
    curve = ResponseFit.power_law(
        np.array([1.0, 5.0, 0.0]), np.array([0.3, 0.7, 0.5]), [np.inf, 50.0, np.inf]
    )

    budgets = np.stack([curve.budget_at_marginal(lam) for lam in (0.01, 0.1, 1.0, 10.0)])

    assert np.all(np.diff(budgets, axis=0) <= 0)
    assert budgets[0, 1] == 50.0  # a demand-capped campaign never asks for more than its cap
    assert np.all(budgets[:, 2] == 0)
    per_campaign = curve.budget_at_marginal(np.array([0.1, 0.1, 0.1]))
    assert per_campaign == pytest.approx(budgets[1])
