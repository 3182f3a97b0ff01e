"""Budget, bid and segment writes: effective tomorrow, logged, and idempotent by key."""

import pytest

from .support import assert_problem


def test_a_budget_change_reads_back_at_once_but_takes_effect_tomorrow(api):
    today = api.state()["today"]
    spend_by_campaign = {}
    for row in api.report(api.yesterday(), api.yesterday()):
        spend_by_campaign[row["campaignId"]] = (
            spend_by_campaign.get(row["campaignId"], 0) + row["spend"]
        )
    campaign = max(spend_by_campaign, key=spend_by_campaign.get)
    new_budget = float(round(spend_by_campaign[campaign] / 10))
    today_before = api.report(today, today, includeToday="true", campaignId=campaign)

    response = api.set_budget(campaign, new_budget)

    assert response.status_code == 200
    assert response.json() == {
        "status": "success",
        "campaignId": campaign,
        "newBudget": new_budget,
        "effectiveDate": "2025-03-18T00:00:00Z",
    }
    assert api.get(f"/campaigns/{campaign}").json()["budget"] == {
        "allocated": new_budget,
        "currency": "INR",
    }
    # Today's settings are fixed: the day in progress is not affected.
    assert api.report(today, today, includeToday="true", campaignId=campaign) == today_before
    api.advance(2)
    assert sum(r["spend"] for r in api.report(today, today, campaignId=campaign)) > new_budget
    tomorrow = api.report("2025-03-18", "2025-03-18", campaignId=campaign)
    assert 0 < sum(row["spend"] for row in tomorrow) <= new_budget


def test_a_paused_campaign_spends_nothing_but_keeps_its_zero_rows(api):
    response = api.write("PATCH", "/campaign/CMP-0003", {"status": "paused"})
    assert response.json()["newStatus"] == "paused"
    assert api.get("/campaigns/CMP-0003").json()["status"] == "paused"
    api.advance(2)
    rows = api.report("2025-03-18", "2025-03-18", campaignId="CMP-0003")
    assert len(rows) == 3
    for row in rows:
        assert (row["spend"], row["clicks"], row["impressions"], row["conversions"]) == (0, 0, 0, 0)
    api.write("PATCH", "/campaign/CMP-0003", {"status": "active"})  # made on the 19th
    api.advance(2)
    resumed = api.report("2025-03-19", "2025-03-20", campaignId="CMP-0003")
    assert sum(r["spend"] for r in resumed if r["date"] == "2025-03-19") == 0
    assert sum(r["spend"] for r in resumed if r["date"] == "2025-03-20") > 0


def test_budget_and_status_can_change_in_one_patch(api):
    body = {"budget": {"allocated": 7000, "currency": "INR"}, "status": "paused"}
    answer = api.write("PATCH", "/campaign/CMP-0002", body).json()
    assert (answer["newBudget"], answer["newStatus"]) == (7000.0, "paused")


def test_a_bid_change_answers_like_google_ads_and_raises_cost_per_click_from_tomorrow(api, sandbox):
    before = sandbox.world.truth("2025-03-18")["adGroups"][0]
    response = api.write(
        "PATCH", "/adGroups/AG-000001/bidding", {"averageBid": 60.123, "currency": "INR"}
    )
    assert response.json() == {
        "status": "success",
        "adGroupId": "AG-000001",
        "newBid": 60.12,
        "platform": "Google Ads",
        "effectiveDate": "2025-03-18T00:00:00Z",
    }
    assert api.get("/adGroups/AG-000001").json()["averageBid"] == 60.12
    after = sandbox.world.truth("2025-03-18")["adGroups"][0]
    assert after["cpc"] > before["cpc"]
    assert after["impressionShare"] > before["impressionShare"]
    assert sandbox.world.truth()["adGroups"][0]["cpc"] == before["cpc"]  # today unchanged


def test_a_segment_job_answers_with_a_job_and_the_audience_size(api):
    segment = api.get("/data/core/ups/segment/definitions/SEG-001").json()
    action = "deactivate" if segment["status"] == "active" else "activate"
    body = {"segmentId": "SEG-001", "action": action, "destinations": ["google-ads", "meta-ads"]}
    answer = api.write("POST", "/data/core/ups/segment/jobs", body).json()
    assert answer["status"] == "success"
    assert answer["jobId"].startswith("job-")
    assert answer["segmentId"] == "SEG-001"
    assert answer["action"] == action
    assert answer["estimatedProfiles"] == segment["estimatedProfiles"]
    assert answer["destinations"] == ["google-ads", "meta-ads"]
    expected = "inactive" if action == "deactivate" else "active"
    assert api.get("/data/core/ups/segment/definitions/SEG-001").json()["status"] == expected


def test_a_repeated_idempotency_key_replays_the_original_answer_and_counts_a_duplicate(api):
    first = api.set_budget("CMP-0004", 1234.0, key="budget-CMP-0004-1")
    api.advance(1)  # the replay must not re-evaluate: its effectiveDate stays the original
    second = api.set_budget("CMP-0004", 1234.0, key="budget-CMP-0004-1")
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    log = api.control("GET", "/writes").json()
    assert len(log["writes"]) == 1
    assert log["duplicates"] == 1
    assert api.state()["counts"]["duplicates"] == 1


def test_reusing_an_idempotency_key_for_a_different_body_is_refused(api):
    api.set_budget("CMP-0004", 1234.0, key="k-1")
    assert_problem(api.set_budget("CMP-0004", 999.0, key="k-1"), 422, "'k-1' was already used")
    assert_problem(
        api.write(
            "PATCH", "/adGroups/AG-000001/bidding", {"averageBid": 9, "currency": "INR"}, "k-1"
        ),
        422,
        "PATCH /campaign/CMP-0004",
    )
    assert api.get("/campaigns/CMP-0004").json()["budget"]["allocated"] == 1234.0


def test_writes_without_a_key_are_applied_each_time(api):
    api.set_budget("CMP-0001", 1000.0)
    api.set_budget("CMP-0001", 1000.0)
    assert len(api.control("GET", "/writes").json()["writes"]) == 2


def test_every_applied_write_is_logged_with_its_day_key_body_and_answer(api):
    answer = api.set_budget("CMP-0005", 2500.0, key="abc").json()
    api.advance(1)
    api.write("POST", "/data/core/ups/segment/jobs", {"segmentId": "SEG-003", "action": "activate"})
    api.set_budget("CMP-0005", -5.0)  # refused: not logged
    writes = api.control("GET", "/writes").json()["writes"]
    assert [w["seq"] for w in writes] == [1, 2]
    first = writes[0]
    assert first["day"] == "2025-03-17"
    assert first["method"] == "PATCH" and first["path"] == "/campaign/CMP-0005"
    assert first["idempotencyKey"] == "abc"
    assert first["body"] == {"budget": {"allocated": 2500.0, "currency": "INR"}}
    assert first["response"] == answer
    assert first["at"].endswith("+00:00")
    assert writes[1]["day"] == "2025-03-18"
    assert writes[1]["idempotencyKey"] is None


BAD_CAMPAIGN_PATCHES = [
    (
        {"budget": {"allocated": 100.0, "currency": "USD"}},
        "'USD' does not match the account currency 'INR'",
    ),
    ({"budget": {"allocated": -1.0, "currency": "INR"}}, "must not be negative"),
    ({"budget": {"allocated": "100", "currency": "INR"}}, "budget.allocated must be a number"),
    ({"budget": {"allocated": True, "currency": "INR"}}, "budget.allocated must be a number"),
    ({"budget": {"allocated": 100.0}}, "budget.currency is required"),
    ({"budget": {"currency": "INR"}}, "budget.allocated is required"),
    ({"budget": 100.0}, "budget must be an object"),
    ({"budget": {"allocated": 1, "currency": "INR", "extra": 1}}, "Unknown field(s) 'extra'"),
    ({"status": "deleted"}, "status must be 'active' or 'paused'"),
    ({"name": "x"}, "Unknown field(s) 'name'"),
    ({}, "must set 'budget' and/or 'status'"),
    ([1, 2], "must be a JSON object"),
]


@pytest.mark.parametrize(("body", "fragment"), BAD_CAMPAIGN_PATCHES)
def test_a_bad_campaign_patch_gets_a_problem_and_changes_nothing(api, body, fragment):
    before = api.get("/campaigns/CMP-0001").json()
    assert_problem(api.write("PATCH", "/campaign/CMP-0001", body), 400, fragment)
    assert api.get("/campaigns/CMP-0001").json() == before


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"averageBid": 0, "currency": "INR"}, "averageBid must be greater than 0"),
        ({"averageBid": 12.0, "currency": "EUR"}, "'EUR' does not match"),
        ({"averageBid": None, "currency": "INR"}, "must be a number"),
        ({"bid": 12.0, "currency": "INR"}, "Unknown field(s) 'bid'"),
    ],
)
def test_a_bad_bid_gets_a_problem(api, body, fragment):
    assert_problem(api.write("PATCH", "/adGroups/AG-000002/bidding", body), 400, fragment)


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (
            {"segmentId": "SEG-001", "action": "suppress"},
            400,
            "action must be 'activate' or 'deactivate'",
        ),
        ({"action": "activate"}, 400, "segmentId is required"),
        ({"segmentId": "SEG-001", "action": "activate", "destinations": []}, 400, "destinations"),
        ({"segmentId": "SEG-404", "action": "activate"}, 404, "Segment 'SEG-404' does not exist"),
    ],
)
def test_a_bad_segment_job_gets_a_problem(api, body, status, fragment):
    assert_problem(api.write("POST", "/data/core/ups/segment/jobs", body), status, fragment)


def test_a_non_numeric_budget_in_invalid_json_is_a_malformed_body(api):
    response = api.session.patch(
        api.base_url + "/campaign/CMP-0001",
        data=b'{"budget": {"allocated": 10,',
        headers={**api.headers(), "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "not valid JSON")


def test_a_nan_budget_is_refused(api):
    response = api.session.patch(
        api.base_url + "/campaign/CMP-0001",
        data=b'{"budget": {"allocated": NaN, "currency": "INR"}}',
        headers={**api.headers(), "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "must be finite")
