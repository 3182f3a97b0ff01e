"""A recommendation's evidence reads as a person would say it: tiles for the two weeks,
the trend and its significance in words, how sure Spectra is, what it assumed, the
conversion lag's share and whether the budget is what limits the campaign."""

from datetime import date, timedelta
from decimal import Decimal

from campaigns.admin.evidence import (
    Day,
    assumption_sentence,
    budget_limits_sentence,
    confidence_sentence,
    lag_summary,
    metric_tiles,
    response_curve,
    trend_sentence,
)

AS_OF = date(2026, 3, 9)


def days(spend, value, conversions, *, start_ago=14, n=14):
    return [
        Day(AS_OF - timedelta(days=start_ago - k), Decimal(spend[k // 7]),
            Decimal(conversions[k // 7]), Decimal(value[k // 7]))
        for k in range(n)
    ]  # fmt: skip


def test_tiles_compare_the_last_seven_complete_days_with_the_seven_before():
    # The week before: 1,000 a day at ROAS 3; the last week: 1,200 a day at ROAS 2.5.
    tiles = {t.label: t for t in metric_tiles(
        days(["1000", "1200"], ["3000", "3000"], ["10", "12"]), as_of=AS_OF, currency="INR"
    )}  # fmt: skip

    assert tiles["Spend"].recent == "₹8,400" and tiles["Spend"].previous == "₹7,000"
    assert tiles["Spend"].change == "+20 %"
    assert tiles["ROAS"].recent == "2.50" and tiles["ROAS"].previous == "3.00"
    assert tiles["ROAS"].change == "-17 %" and tiles["ROAS"].tone == "bad"
    assert tiles["CPA"].change == "0 %"
    assert tiles["Conversions"].recent == "84" and tiles["Conversions"].tone == "good"


def test_no_rows_means_no_tiles_rather_than_zeros():
    assert metric_tiles([], as_of=AS_OF, currency="INR") == []


def test_a_trend_that_is_not_significant_says_it_could_be_noise_without_long_floats():
    words = trend_sentence(
        {"metric": "roas", "change_pct": -12.3456789012, "p_value": 0.41234567890123,
         "significant": False, "alpha": 0.05, "reason": "hold: ROAS change is not significant"}
    )  # fmt: skip

    assert words == (
        "ROAS fell 12 % week over week; not significant (p = 0.41, needs < 0.05) — could be noise."
    )


def test_a_significant_trend_says_so():
    words = trend_sentence(
        {"metric": "roas", "change_pct": 18.2, "p_value": 0.0004, "significant": True, "reason": ""}
    )
    assert words == "ROAS rose 18 % week over week; significant (p < 0.001)."


BUDGET_EVIDENCE = {
    "portfolio_marginal_roas": 1.65,
    "expected_value_before": 15000.0,
    "expected_value_after": 16800.0,
    "response": {
        "elasticity": 0.5,
        "elasticity_sd": 0.15,
        "level_sd": 0.07,
        "data_driven": False,
        "demand_capped": False,
        "spend_variation": 0.004,
        "step_share": 0.5,
    },
    "confidence": {
        "probability": 0.7321,
        "budget_change": 750.0,
        "value_change": 1800.0,
        "opportunity_cost": 1237.5,
    },
}


def test_confidence_says_how_sure_and_against_what_in_one_sentence():
    words = confidence_sentence(
        kind="budget", confidence=Decimal("0.7321"), evidence=BUDGET_EVIDENCE, currency="INR"
    )

    assert words.startswith("Spectra is 73 % sure this raises conversion value: in 73 % of")
    assert "elasticity 0.50 ± 0.15" in words
    assert "the ₹1,800 a day of value it expects from ₹750 more budget beats the ₹1,238" in words


def test_an_assumed_response_is_said_in_words_with_its_smaller_step():
    words, assumed = assumption_sentence(BUDGET_EVIDENCE)

    assert assumed
    assert words.startswith(
        "This rests on an assumed response, not this campaign's data — there is too little "
        "spend variation to measure it"
    )
    assert "elasticity of 0.50" in words
    assert "held to 50 % of the policy's cap" in words


def test_a_measured_response_is_not_called_an_assumption():
    evidence = {"response": {"elasticity": 0.42, "elasticity_sd": 0.05, "data_driven": True}}
    words, assumed = assumption_sentence(evidence)
    assert not assumed and "measured from this campaign's own data" in words


def test_a_campaign_spending_its_whole_budget_is_limited_by_budget():
    evidence = {"series": {"spend": [4950.0] * 7}, "response": {"demand_capped": False}}
    words = budget_limits_sentence(evidence, current=Decimal("5000"), currency="INR")
    assert words.startswith("Limited by budget: it spent 99 % of its ₹5,000 budget")


def test_a_demand_capped_campaign_cannot_spend_more():
    evidence = {
        "series": {"spend": [3100.0] * 7},
        "response": {"demand_capped": True, "spend_cap": 3180.0},
    }
    words = budget_limits_sentence(evidence, current=Decimal("5000"), currency="INR")
    assert words.startswith("Cannot spend more: demand-capped — it spent 62 %")
    assert "beyond about ₹3,180 a day" in words


def test_the_lag_share_is_what_the_last_days_still_owe():
    evidence = {
        "series": {
            "dates": [f"2026-03-0{d}" for d in range(2, 9)],
            "value": [1000.0] * 7,
            "reported_value": [1000.0] * 5 + [800.0, 500.0],
        }
    }
    lag = lag_summary(evidence, currency="INR")

    assert (
        "of the ₹7,000 of conversion value Spectra expects for the last 7 days, ₹700 (10 %)"
        in (lag["sentence"])
    )
    assert "the youngest day (2026-03-08) was 50 % complete" in lag["sentence"]
    assert "<svg" in lag["chart"]


def test_the_curve_marks_the_current_and_proposed_budget():
    svg = response_curve(
        BUDGET_EVIDENCE, current=Decimal("5000"), proposed=Decimal("5750"), currency="INR"
    )
    assert 'data-mark="now"' in svg and 'data-mark="proposed"' in svg
    assert "now: ₹5,000 → ₹15,000/day" in svg
    assert "proposed: ₹5,750 → ₹16,800/day" in svg


def test_a_bid_change_says_how_sure_it_is_of_the_side_of_its_target():
    words = confidence_sentence(
        kind="bid",
        confidence=Decimal("0.88"),
        evidence={"log_ratio_sd": 0.12},
        currency="INR",
        target_words="at a ROAS below the campaign's own 3.10",
    )
    assert words == (
        "Spectra is 88 % sure the ad group really is at a ROAS below the campaign's own 3.10, "
        "given the week's day-to-day noise (± 13 %)."
    )


def test_an_audience_switch_says_why_it_has_no_confidence():
    words = confidence_sentence(
        kind="audience_suppress", confidence=None, evidence={}, currency="INR"
    )
    assert words.startswith("No confidence is given: an audience switch follows")


def test_a_rollback_says_it_is_no_bet_on_value():
    words = confidence_sentence(
        kind="budget", confidence=None, evidence={}, currency="INR", source="rollback"
    )
    assert words == (
        "No confidence is given: a rollback restores an earlier state; it is not a bet on value."
    )
