"""Row judgements that a well-behaved platform never lets us see over HTTP."""

from datetime import date

import pytest

from executors.sync_rows import BadRow, clean_ad_group, clean_audience, clean_metric

WINDOW = {"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 14)}
METRIC = {
    "date": "2026-10-05",
    "ad_group_external_id": "AG-1",
    "campaign_external_id": "C-1",
    "impressions": "1000",
    "clicks": "50",
    "conversions": 2.5,
    "conversion_value": "900.5",
    "spend": 400,
}


def test_a_row_outside_the_requested_window_is_refused():
    with pytest.raises(BadRow, match="outside the requested window"):
        clean_metric(METRIC | {"date": "1999-01-01"}, **WINDOW)


def test_numbers_sent_as_strings_are_accepted_like_googles_int64_fields():
    values = clean_metric(METRIC, **WINDOW)

    assert (values["impressions"], values["clicks"]) == (1000, 50)
    assert str(values["conversion_value"]) == "900.50"


def test_a_quality_score_outside_1_to_10_is_refused():
    row = {
        "external_id": "AG-1",
        "campaign_external_id": "C-1",
        "name": "x",
        "status": "active",
        "bid": 1,
        "quality_score": 0,
    }
    with pytest.raises(BadRow, match="expected 1"):
        clean_ad_group(row)
    with pytest.raises(BadRow, match="beyond any plausible value"):
        clean_ad_group(row | {"quality_score": 11})


def test_an_audience_score_above_100_is_refused():
    row = {
        "external_id": "S-1",
        "name": "x",
        "status": "active",
        "intent_score": 101,
        "fatigue_score": 3,
        "estimated_profiles": 10,
    }
    with pytest.raises(BadRow, match="'intentScore' is 101"):
        clean_audience(row)


def test_infinity_is_refused():
    with pytest.raises(BadRow, match="not a finite number"):
        clean_metric(METRIC | {"spend": float("inf")}, **WINDOW)
