"""The performance report: complete days, zeros included, conversions arriving with lag."""

import datetime as dt

import pytest

from .support import START_DATE, assert_problem


def _by_key(rows):
    return {(row["date"], row["adGroupId"]): row for row in rows}


def test_the_report_has_a_row_per_ad_group_and_complete_day_in_date_then_id_order(api):
    rows = api.report(START_DATE, api.yesterday())
    assert len(rows) == 14 * 18
    keys = [(row["date"], row["adGroupId"]) for row in rows]
    assert keys == sorted(keys)
    assert {row["date"] for row in rows} == {
        (dt.date(2025, 3, 3) + dt.timedelta(days=d)).isoformat() for d in range(14)
    }
    assert set(rows[0]) == {
        "date",
        "campaignId",
        "adGroupId",
        "impressions",
        "clicks",
        "conversions",
        "conversionValue",
        "spend",
        "currency",
    }


def test_rows_are_internally_consistent(api, sandbox):
    world = sandbox.world
    ad_group_campaign = {ag["id"]: ag["campaignId"] for ag in world.ad_groups()}
    for row in api.report(START_DATE, api.yesterday()):
        assert isinstance(row["impressions"], int) and isinstance(row["clicks"], int)
        assert 0 <= row["clicks"] <= row["impressions"]
        assert 0 <= row["conversions"] <= row["clicks"]
        assert row["spend"] >= 0 and row["conversionValue"] >= 0
        assert row["campaignId"] == ad_group_campaign[row["adGroupId"]]
        assert row["currency"] == "INR"
        for name in ("spend", "conversions", "conversionValue"):
            assert round(row[name], 2) == row[name]
        budget = world.settings_on(row["date"]).budgets[world.campaign_index(row["campaignId"])]
        assert row["spend"] <= budget


def test_yesterdays_conversions_grow_after_advancing_while_its_spend_stays(api):
    yesterday = api.yesterday()
    before = api.report(yesterday, yesterday)
    api.advance(1)
    after = api.report(yesterday, yesterday)
    assert [row["spend"] for row in after] == [row["spend"] for row in before]
    assert sum(r["conversions"] for r in after) > sum(r["conversions"] for r in before)
    # ~55 % of a day's conversions arrive the same day, ~72 % by the next.
    ratio = sum(r["conversions"] for r in before) / sum(r["conversions"] for r in after)
    assert ratio == pytest.approx(0.55 / 0.72, rel=0.02)


def test_conversions_stop_arriving_after_the_seven_day_lag_window(api):
    old_day = START_DATE
    before = api.report(old_day, old_day)
    api.advance(3)
    assert api.report(old_day, old_day) == before


def test_today_is_reported_only_on_request_and_only_as_far_as_it_has_run(api, sandbox):
    today = api.state()["today"]
    assert api.report(START_DATE, today) == api.report(START_DATE, api.yesterday())
    partial = [r for r in api.report(today, today, includeToday="true") if r["date"] == today]
    assert len(partial) == 18
    api.advance(1)
    full = api.report(today, today)
    spend_so_far = sum(r["spend"] for r in partial)
    assert spend_so_far == pytest.approx(0.5 * sum(r["spend"] for r in full), rel=0.01)


def test_the_campaign_filter_returns_only_that_campaigns_ad_groups(api):
    rows = api.report(START_DATE, api.yesterday(), campaignId="CMP-0002")
    assert {row["campaignId"] for row in rows} == {"CMP-0002"}
    assert {row["adGroupId"] for row in rows} == {"AG-000004", "AG-000005", "AG-000006"}
    assert len(rows) == 14 * 3


def test_days_before_the_world_started_are_simply_empty(api):
    assert api.report("2024-01-01", "2025-03-02") == []
    assert len(api.report("2024-01-01", START_DATE)) == 18


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"endDate": "2025-03-05"}, 400, "startDate is required"),
        ({"startDate": "2025-03-05"}, 400, "endDate is required"),
        ({"startDate": "2025-3-5", "endDate": "2025-03-05"}, 400, "'2025-3-5' is not a valid"),
        ({"startDate": "2025-02-30", "endDate": "2025-03-05"}, 400, "'2025-02-30' is not a valid"),
        ({"startDate": "2025-03-06", "endDate": "2025-03-05"}, 400, "is after endDate"),
        (
            {"startDate": "2025-03-05", "endDate": "2025-03-18"},
            400,
            "after the sandbox's today (2025-03-17)",
        ),
        (
            {"startDate": "2025-03-05", "endDate": "2025-03-06", "campaignId": "CMP-9999"},
            404,
            "CMP-9999",
        ),
        (
            {"startDate": "2025-03-05", "endDate": "2025-03-06", "includeToday": "maybe"},
            400,
            "includeToday",
        ),
    ],
)
def test_bad_report_requests_get_a_problem_that_says_what_is_wrong(api, params, status, fragment):
    assert_problem(api.get("/reports/performance", params=params), status, fragment)
