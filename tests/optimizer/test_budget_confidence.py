"""Confidence is a probability a person can check: that the change raises conversion value
net of what the same budget would bring at the pool's margin, under the fit's doubt."""

import numpy as np
import pytest

from optimizer.confidence import bid_confidence, budget_confidence, percent_sure


def confidence(**overrides) -> float:
    args = {
        "current": 1000.0,
        "proposed": 1300.0,
        "value_now": 3000.0,  # ROAS 3 at the current budget
        "elasticity": 0.5,
        "elasticity_sd": 0.0,
        "level_sd": 0.0,
        "margin": 1.0,
    } | overrides
    return float(budget_confidence(**args))


def test_a_certain_curve_gives_certainty_on_the_side_its_arithmetic_says():
    # +300 of budget buys 3000·(1.3^0.5 − 1) ≈ 420 of value, more than the 300 it costs.
    assert confidence() == pytest.approx(1.0)
    assert confidence(margin=1.5) == pytest.approx(0.0)  # it would cost 450 elsewhere


def test_a_cut_is_sure_when_the_value_it_gives_up_is_less_than_the_freed_budget_earns():
    # −300 gives up 3000·(1 − 0.7^0.5) ≈ 490; at a margin of 2 the 300 freed bring 600.
    assert confidence(proposed=700.0, margin=2.0) == pytest.approx(1.0)
    assert confidence(proposed=700.0, margin=1.0) == pytest.approx(0.0)


def test_doubt_about_the_level_is_a_normal_probability_one_can_work_out_by_hand():
    # Gain > 0 ⇔ V > 300 / (1.3^0.5 − 1); with log V ~ N(log 3000, 0.5²) that is Φ(z).
    threshold = np.log(300 / (1.3**0.5 - 1))
    z = (np.log(3000) - threshold) / 0.5
    from scipy.stats import norm

    assert confidence(level_sd=0.5) == pytest.approx(norm.cdf(z), abs=1e-6)


def test_more_doubt_about_the_elasticity_brings_a_sure_change_toward_a_coin_flip():
    sure = confidence(margin=1.2)
    doubtful = confidence(margin=1.2, elasticity_sd=0.3, level_sd=0.2)
    assert 0.5 < doubtful < sure


def test_a_raise_beyond_where_demand_runs_out_never_pays():
    assert confidence(spend_cap=1000.0) == 0.0


def test_no_change_has_no_confidence():
    assert np.isnan(confidence(proposed=1000.0))


def test_confidence_is_written_without_overclaiming():
    assert percent_sure(0.734) == "73 %"
    assert percent_sure(0.9996) == "over 99 %"
    assert percent_sure(0.001) == "under 1 %"


def test_a_bid_cut_is_as_sure_as_the_roas_is_really_below_its_target():
    # log ROAS 2.0 against a target of 3, standard error 0.1 over 7 days.
    sure = bid_confidence(
        log_roas=np.log(2.0), log_roas_var=0.01, days=7, target=3.0, raising=False
    )
    assert sure > 0.99
    unsure = bid_confidence(
        log_roas=np.log(2.9), log_roas_var=0.04, days=7, target=3.0, raising=False
    )
    assert 0.5 < unsure < 0.7
    assert bid_confidence(
        log_roas=np.log(2.9), log_roas_var=0.04, days=7, target=3.0, raising=True
    ) == pytest.approx(1 - unsure)
