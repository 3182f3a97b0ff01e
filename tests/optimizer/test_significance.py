"""Significance: act only on enough evidence; otherwise hold, with the reason in words."""

import json
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.clean import clean_frame
from optimizer.frame import MetricFrame
from optimizer.significance import assess, log_ratio_z, two_proportion_z
from optimizer.trends import weekly_comparison

AS_OF = date(2025, 3, 31)
POLICY = {"alpha": 0.05, "min_clicks": 100, "min_conversions": 20}


def simulate(*, n=200, clicks=1000.0, cvr=0.05, lift=1.0, sigma=0.15, seed=0) -> MetricFrame:
    """Two weeks of complete days; the recent week's CVR is `lift` times the previous one's.

    Day-to-day noise is lognormal (σ = `sigma`) on clicks, CTR, CVR and basket value, on top
    of binomial sampling — the extra-binomial wobble real accounts show.
    """
    rng = np.random.default_rng(seed)
    shape, days = (n, 14), 14
    impressions = rng.poisson(clicks / 0.03 * rng.lognormal(0, sigma, shape))
    daily_clicks = rng.binomial(impressions, np.clip(0.03 * rng.lognormal(0, sigma, shape), 0, 1))
    rate = cvr * rng.lognormal(0, sigma, shape)
    rate[:, 7:] *= lift
    conversions = rng.binomial(daily_clicks, np.clip(rate, 0, 1)).astype(float)
    return clean_frame(
        MetricFrame(
            np.arange(np.datetime64(AS_OF) - days, np.datetime64(AS_OF)),
            np.arange(n),
            impressions=impressions.astype(float),
            clicks=daily_clicks.astype(float),
            conversions=conversions,
            value=conversions * 1500.0 * rng.lognormal(0, sigma / 2, shape),
            spend=daily_clicks * 20.0 * rng.lognormal(0, sigma / 2, shape),
            as_of=AS_OF,
        )
    )


def test_pure_noise_holds_for_at_least_95_percent_of_200_entities():
    # The same true rates in both weeks; only sampling noise.
    trends = weekly_comparison(simulate(n=200, sigma=0.0, seed=11), events=())
    for metric, label in (("cvr", "CVR"), ("ctr", "CTR")):
        decision = assess(trends, **POLICY, metric=metric)
        assert (decision.direction == 0).mean() >= 0.95, metric
        held = np.array(decision.reason)[~decision.significant]
        assert all(reason.startswith(f"hold: {label} change ") for reason in held)


def test_false_alarms_stay_near_alpha_where_a_plain_binomial_test_would_cry_wolf():
    # Every test is calibrated at alpha, so over 200 entities it holds for 95 % only on
    # average; 2,000 entities pin the rate down. With this many clicks binomial sampling
    # error is tiny, the day-to-day wobble dominates, and a test that ignores it cries wolf.
    trends = weekly_comparison(simulate(n=2000, clicks=3000.0, seed=12), events=())
    for metric in ("cvr", "roas", "cpa", "ctr", "spend", "conversions"):
        assert assess(trends, **POLICY, metric=metric).significant.mean() <= 0.07, metric

    plain = two_proportion_z(
        trends.recent.total("conversions"),
        trends.recent.total("clicks"),
        trends.previous.total("conversions"),
        trends.previous.total("clicks"),
    )
    assert (np.abs(plain) > 1.96).mean() > 0.2


def test_a_real_40_percent_cvr_lift_with_enough_clicks_is_detected():
    # Campaign-level daily wobble (σ 0.1): ad groups' noise partly averages out.
    frame = simulate(n=200, clicks=2000.0, lift=1.4, sigma=0.1, seed=13)
    trends = weekly_comparison(frame, events=())
    decision = assess(trends, **POLICY, metric="cvr")

    assert (decision.direction == 1).mean() >= 0.9
    first = int(np.flatnonzero(decision.significant)[0])
    assert decision.reason[first].startswith("CVR up ")
    assert "week over week (z = " in decision.reason[first]
    assert decision.confidence[first] == pytest.approx(1 - decision.p_value[first])
    assert decision.confidence[first] > 0.95
    # The same lift lowers CPA: direction follows the metric, down.
    cpa = assess(trends, **POLICY, metric="cpa")
    assert (cpa.direction == -1).mean() >= 0.8


def test_below_minimum_clicks_holds_with_the_minimum_in_the_reason():
    trends = weekly_comparison(simulate(n=5, clicks=6.0, lift=3.0, seed=14), events=())
    decision = assess(trends, alpha=0.05, min_clicks=100, min_conversions=0, metric="cvr")

    assert not decision.significant.any()
    assert (decision.direction == 0).all()
    assert decision.reason[0].startswith("hold: only ")
    assert "clicks in the last 7 days (policy minimum 100)" in decision.reason[0]


def test_below_minimum_conversions_holds_with_the_minimum_in_the_reason():
    trends = weekly_comparison(simulate(n=3, clicks=300.0, cvr=0.005, seed=15), events=())
    decision = assess(trends, alpha=0.05, min_clicks=100, min_conversions=20, metric="roas")
    assert "conversions reported in the last 7 days (policy minimum 20)" in decision.reason[0]
    # CTR needs no conversions, so the same entity is judged on its clicks alone.
    ctr = assess(trends, alpha=0.05, min_clicks=100, min_conversions=20, metric="ctr")
    assert "policy minimum" not in ctr.reason[0]


def test_an_insignificant_change_holds_and_says_by_how_much_and_why():
    trends = weekly_comparison(simulate(n=50, seed=16), events=())
    decision = assess(trends, **POLICY, metric="cvr")
    i = int(np.flatnonzero(~decision.significant)[0])
    reason = decision.reason[i]
    assert reason.startswith("hold: CVR change ")
    assert " % is not significant (p = " in reason and reason.endswith(", needs < 0.05)")


def test_evidence_is_json_ready():
    trends = weekly_comparison(simulate(n=2, clicks=5.0, seed=17), events=())
    evidence = assess(trends, **POLICY).evidence(0)
    assert json.loads(json.dumps(evidence, allow_nan=False)) == evidence
    assert evidence["metric"] == "cvr" and evidence["significant"] is False


def test_an_unknown_metric_is_refused():
    trends = weekly_comparison(simulate(n=2, seed=18), events=())
    with pytest.raises(ValueError, match="unknown metric 'cpc'"):
        assess(trends, **POLICY, metric="cpc")


rates = st.tuples(st.floats(0.0, 500.0), st.floats(1.0, 5000.0))


@settings(max_examples=60, deadline=None)
@given(recent=rates, previous=rates)
def test_swapping_the_weeks_flips_the_sign_of_the_proportion_test(recent, previous):
    (x1, n1), (x0, n0) = recent, previous
    x1, x0 = min(x1, n1), min(x0, n0)
    forward = two_proportion_z(np.array([x1]), np.array([n1]), np.array([x0]), np.array([n0]))
    backward = two_proportion_z(np.array([x0]), np.array([n0]), np.array([x1]), np.array([n1]))
    np.testing.assert_allclose(forward, -backward, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(0.01, 100.0),
    seed=st.integers(0, 2**16),
)
def test_the_ratio_test_does_not_depend_on_the_currency_unit(scale, seed):
    rng = np.random.default_rng(seed)
    num1, den1, num0, den0 = rng.lognormal(5, 0.3, (4, 3, 7))
    z, df = log_ratio_z(num1, den1, num0, den0)
    z_scaled, df_scaled = log_ratio_z(num1 * scale, den1, num0 * scale, den0)
    np.testing.assert_allclose(z_scaled, z, rtol=1e-9)
    np.testing.assert_allclose(df_scaled, df, rtol=1e-9)
