"""Anomalies: robust z against the trailing 28 days for spend, CPA and CTR, with severity."""

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.anomalies import detect_anomalies
from optimizer.clean import clean_frame
from optimizer.frame import MetricFrame
from optimizer.inputs import SeasonalWindow

AS_OF = date(2025, 3, 31)
DAYS = 29  # 28 days of baseline and the day judged (yesterday)
# Log-scale wobble of exactly ±0.1 around the usual figure: median 0, MAD 0.1, so a day
# k times the usual has robust z = 0.6745 · ln(k) / 0.1.
WOBBLE = 0.1 * (-1.0) ** np.arange(DAYS)


def make_frame(*, spend=3000.0, clicks=150.0, impressions=6000.0, conversions=30.0, n=1):
    def grid(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (n, DAYS)).copy()

    clicks = grid(clicks)
    conversions = grid(conversions)
    return MetricFrame(
        np.arange(np.datetime64(AS_OF) - DAYS, np.datetime64(AS_OF)),
        np.arange(7, 7 + n),
        impressions=grid(impressions),
        clicks=clicks,
        conversions=conversions,
        value=conversions * 400.0,
        spend=grid(spend),
        as_of=AS_OF,
    )


def about(metric: str, found: list) -> list:
    return [a for a in found if a.metric == metric]


def wobbling(usual: float, last: float) -> np.ndarray:
    series = usual * np.exp(WOBBLE)
    series[-1] = last
    return series


def test_a_spend_spike_is_critical_and_says_how_big_in_words():
    found = detect_anomalies(make_frame(spend=wobbling(2950.0, 12_400.0)))
    [anomaly] = about("spend", found)

    assert (anomaly.metric, anomaly.severity, anomaly.entity_id) == ("spend", "critical", 7)
    assert anomaly.day == date(2025, 3, 30)
    assert anomaly.robust_z == pytest.approx(0.6745 * np.log(12_400 / 2950) / 0.1)
    assert anomaly.message == "Spend ₹12,400 is 4.2× the usual ₹2,950 (robust z 9.7)"
    # Conversions did not follow, so CPA broke as well, and says so separately.
    assert [a.metric for a in found] == ["spend", "cpa"] or [a.metric for a in found] == [
        "cpa",
        "spend",
    ]


def test_a_doubling_of_spend_is_a_warning():
    [anomaly] = about("spend", detect_anomalies(make_frame(spend=wobbling(3000.0, 6000.0))))
    assert anomaly.severity == "warning"
    assert anomaly.robust_z == pytest.approx(4.675, abs=0.01)


def test_a_collapse_of_spend_is_critical():
    [anomaly] = about("spend", detect_anomalies(make_frame(spend=wobbling(3000.0, 0.0))))
    assert anomaly.severity == "critical"
    assert anomaly.message == "Spend fell to ₹0.00 from a usual ₹3,000"


def test_a_cpa_jump_is_a_warning_and_no_conversions_at_all_is_critical():
    halved = make_frame(conversions=wobbling(30.0, 15.0))
    [jump] = detect_anomalies(halved)
    assert (jump.metric, jump.severity) == ("cpa", "warning")
    assert jump.message == "CPA ₹200 is 2.0× the usual ₹100 (robust z 4.7)"

    [broken] = detect_anomalies(make_frame(conversions=wobbling(30.0, 0.0)))
    assert (broken.metric, broken.severity) == ("cpa", "critical")
    assert broken.message == "No conversions for ₹3,000 of spend; the usual CPA is ₹100"


def test_a_ctr_collapse_is_critical():
    [anomaly] = detect_anomalies(make_frame(clicks=wobbling(150.0, 30.0), conversions=3.0))
    assert (anomaly.metric, anomaly.severity) == ("ctr", "critical")
    assert anomaly.message.startswith("CTR 0.50 % is 20 % of the usual 2.50 %")


def test_normal_noise_over_28_days_raises_nothing():
    rng = np.random.default_rng(31)
    noise = rng.lognormal(0.0, 0.15, (3, 10, DAYS))
    clicks = 150.0 * noise[0]
    frame = make_frame(
        n=10,
        spend=clicks * 20.0,
        clicks=clicks,
        impressions=6000.0 * noise[1],
        conversions=np.round(clicks * 0.2 * noise[2]),
    )
    assert detect_anomalies(frame) == []


def test_over_many_noisy_days_alarms_are_rare_and_never_critical():
    # A MAD from 28 days is itself noisy, so a robust z has heavier tails than a normal z
    # and a few ordinary days in a thousand pass 3.5. The critical band must stay silent.
    rng = np.random.default_rng(32)
    noise = rng.lognormal(0.0, 0.15, (3, 500, DAYS))
    clicks = 150.0 * noise[0]
    frame = make_frame(
        n=500,
        spend=clicks * 20.0,
        clicks=clicks,
        impressions=6000.0 * noise[1],
        conversions=np.round(clicks * 0.2 * noise[2]),
    )
    found = detect_anomalies(frame)
    assert len(found) <= 0.01 * 500 * 3
    assert all(a.severity == "warning" for a in found)


def test_entities_without_the_minimum_volume_raise_nothing():
    frame = make_frame(spend=wobbling(300.0, 30_000.0), clicks=wobbling(10.0, 10.0))
    assert detect_anomalies(frame, min_clicks=30) == []
    assert about("spend", detect_anomalies(frame, min_clicks=5))  # proves it could
    assert detect_anomalies(make_frame(spend=wobbling(300.0, 30_000.0)), min_spend=1000) == []


def test_a_metric_that_never_moves_has_a_floored_yardstick_not_a_division_by_zero():
    # Budget-capped: spend is the budget to the rupee every day, so MAD = 0.
    assert detect_anomalies(make_frame()) == []
    assert detect_anomalies(make_frame(spend=np.r_[np.full(28, 3000.0), 3900.0])) == []  # +30 %
    found = detect_anomalies(make_frame(spend=np.r_[np.full(28, 3000.0), 6000.0]))
    [doubled] = about("spend", found)
    assert doubled.severity == "warning"
    assert np.isfinite(doubled.robust_z)


def test_a_spend_surge_on_a_declared_event_day_is_not_an_anomaly():
    frame = make_frame(spend=wobbling(3000.0, 6000.0))
    yesterday = date(2025, 3, 30)
    assert about("spend", detect_anomalies(frame))
    sale = SeasonalWindow("Mega Sale Days", yesterday, yesterday, 2.0)
    assert about("spend", detect_anomalies(frame, events=(sale,))) == []


def test_an_excluded_day_is_neither_judged_nor_part_of_the_baseline():
    frame = make_frame(spend=wobbling(3000.0, np.nan))
    assert detect_anomalies(clean_frame(frame)) == []
    spiky = make_frame(spend=wobbling(3000.0, 3000.0))
    spiky.spend[0, 5] = -1.0  # excluded by cleaning; would otherwise be a zero-spend day
    assert detect_anomalies(clean_frame(spiky)) == []


def test_day_index_counts_complete_days_so_today_partial_column_is_skipped():
    frame = make_frame(spend=wobbling(3000.0, 12_000.0))
    dates = frame.dates + 1  # the last column is now AS_OF itself: today, partial
    shifted = MetricFrame(
        dates,
        frame.entity_ids,
        frame.impressions,
        frame.clicks,
        frame.conversions,
        frame.value,
        frame.spend,
        AS_OF,
    )
    assert detect_anomalies(shifted) == []  # yesterday (day −2 of the array) is ordinary
    assert detect_anomalies(shifted, day_index=-1, window=27) == []
    with pytest.raises(ValueError, match="outside the 28 complete days"):
        detect_anomalies(shifted, day_index=-40)


def test_most_severe_anomalies_come_first():
    frame = make_frame(n=2, spend=np.stack([wobbling(3000.0, 6000.0), wobbling(3000.0, 30_000.0)]))
    found = about("spend", detect_anomalies(frame))
    assert [a.entity_index for a in found] == [1, 0]
    assert [a.severity for a in found] == ["critical", "warning"]


@settings(max_examples=30, deadline=None)
@given(
    scale=st.floats(0.01, 1000.0),
    last=st.one_of(st.just(0.0), st.floats(0.01, 20.0)),
    seed=st.integers(0, 1000),
)
def test_what_is_an_anomaly_does_not_depend_on_the_currency_unit(scale, last, seed):
    rng = np.random.default_rng(seed)
    spend = 3000.0 * rng.lognormal(0, 0.15, DAYS)
    spend[-1] *= last
    plain = detect_anomalies(make_frame(spend=spend))
    scaled = detect_anomalies(make_frame(spend=spend * scale), currency="¥")
    plain, scaled = (sorted(found, key=lambda a: a.metric) for found in (plain, scaled))
    assert [(a.metric, a.severity) for a in plain] == [(a.metric, a.severity) for a in scaled]
    for a, b in zip(plain, scaled, strict=True):
        assert a.robust_z == pytest.approx(b.robust_z, rel=1e-6, abs=1e-9)
