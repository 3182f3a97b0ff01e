"""The control API: state, time, ground truth, the write log and injected bad rows."""

import math

from .support import START_DATE


def test_state_shows_seed_calendar_identity_counts_and_events(api):
    state = api.state()
    assert state["seed"] == 11
    assert (state["startDate"], state["today"]) == (START_DATE, "2025-03-17")
    assert (state["orgId"], state["sandboxName"]) == ("SANDBOX0000@AdobeOrg", "prod")
    assert state["counts"] == {
        "campaigns": 6,
        "adGroups": 18,
        "segments": 6,
        "writes": 0,
        "duplicates": 0,
    }
    assert [e["kind"] for e in state["events"]] == ["festival", "sale"]
    assert state["events"][0]["demandMultiplier"] > 1


def test_advancing_moves_today_and_completes_the_days(api):
    assert api.advance(3)["today"] == "2025-03-20"
    assert api.control("POST", "/advance").json()["today"] == "2025-03-21"  # default 1 day
    assert len(api.report("2025-03-17", "2025-03-20")) == 4 * 18


def test_advancing_by_a_bad_number_of_days_is_refused(api):
    response = api.control("POST", "/advance", {"days": -1})
    assert response.status_code == 400
    assert "days must be an integer" in response.json()["detail"]


def test_the_truth_over_http_is_the_python_truth(api, sandbox):
    truth = api.control("GET", "/truth").json()
    assert truth == sandbox.world.truth()
    assert truth["date"] == "2025-03-17"
    old = api.session.get(api.base_url + "/_sandbox/truth", params={"date": "2025-03-05"}).json()
    assert old["date"] == "2025-03-05"
    assert old["allocation"]["holdToOracle"] < 1


def test_injected_performance_rows_appear_in_matching_reports(api):
    bad_rows = [
        {"date": "2025-03-05", "campaignId": "CMP-0001", "adGroupId": "AG-000001", "spend": -5.0},
        {"date": "2025-03-05", "adGroupId": "AG-999999", "clicks": 10, "impressions": 2},
        {"date": "2025-03-06", "campaignId": "CMP-0002", "spend": "12.5"},
        {"spend": math.nan},  # no date at all: in every report
        "not even an object",
    ]
    response = api.control("POST", "/inject", {"performanceRows": bad_rows})
    assert response.json()["injected"]["performanceRows"] == 5

    rows = api.report("2025-03-05", "2025-03-05")
    assert len(rows) == 18 + 4  # the row dated 2025-03-06 is not in this report
    assert all(row["currency"] == "INR" for row in rows[:18])  # simulated rows come first
    injected = rows[18:]
    assert injected[0] == bad_rows[0] and injected[1] == bad_rows[1]
    assert math.isnan(injected[2]["spend"]) and injected[3] == "not even an object"

    filtered = api.report("2025-03-05", "2025-03-06", campaignId="CMP-0002")
    injected = filtered[2 * 3 :]
    # CMP-0001's row is filtered out; rows without a campaign (or a date) stay in.
    assert injected[:2] == [bad_rows[1], bad_rows[2]]
    assert math.isnan(injected[2]["spend"]) and injected[3] == "not even an object"
    assert len(injected) == 4


def test_injected_campaigns_ad_groups_and_segments_are_appended_to_their_lists(api):
    api.control(
        "POST",
        "/inject",
        {
            "campaigns": [{"id": "CMP-BAD", "budget": {"allocated": -1}}],
            "adGroups": [{"id": "AG-BAD", "campaignId": "CMP-0001", "averageBid": "x"}],
            "segments": [{"id": "SEG-BAD", "intentScore": 250}],
        },
    )
    assert api.walk("/campaigns", "campaigns")[-1]["id"] == "CMP-BAD"
    assert api.walk("/adGroups", "adGroups", {"campaignId": "CMP-0001"})[-1]["id"] == "AG-BAD"
    assert api.walk("/adGroups", "adGroups", {"campaignId": "CMP-0002"})[-1]["id"] != "AG-BAD"
    assert api.walk("/data/core/ups/segment/definitions", "segments")[-1]["intentScore"] == 250


def test_injecting_something_unknown_is_refused(api):
    response = api.control("POST", "/inject", {"orders": []})
    assert response.status_code == 400
    assert "Cannot inject orders" in response.json()["detail"]
