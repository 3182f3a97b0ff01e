"""Reads map Google's shapes (micros, int64 strings, enums) onto Spectra's records."""

from decimal import Decimal

import pytest
import requests

from executors.clients.errors import PlatformError
from tests.executors.conftest import WINDOW
from tests.executors.google.conftest import make_client


def _adobe(sandbox, path, key, **params):
    response = requests.get(
        sandbox.base_url + path, headers=sandbox.headers(), params={"limit": 5000, **params}
    )
    assert response.status_code == 200, response.text
    return response.json()[key]


def test_campaign_budgets_arrive_in_currency_units_from_micros(sandbox, google):
    adobe = {c["id"]: c for c in _adobe(sandbox, "/campaigns", "campaigns")}

    campaigns = list(google.campaigns())

    assert [c["external_id"] for c in campaigns] == ["1", "2", "3", "4", "5", "6"]
    for record in campaigns:
        twin = adobe[f"CMP-{int(record['external_id']):04d}"]
        raw_micros = record["raw"]["campaignBudget"]["amountMicros"]
        assert isinstance(raw_micros, str), "int64 is a JSON string, as Google sends it"
        assert Decimal(record["daily_budget"]) == Decimal(str(twin["budget"]["allocated"]))
        assert (record["name"], record["status"], record["currency"]) == (
            twin["name"],
            twin["status"],
            "INR",
        )


def test_ad_groups_carry_their_bid_status_campaign_and_quality_score(sandbox, google):
    adobe = {g["id"]: g for g in _adobe(sandbox, "/adGroups", "adGroups")}

    groups = list(google.ad_groups())

    assert len(groups) == 18
    for record in groups:
        twin = adobe[f"AG-{int(record['external_id']):06d}"]
        assert Decimal(record["bid"]) == Decimal(str(twin["averageBid"]))
        assert record["campaign_external_id"] == str(int(twin["campaignId"].split("-")[1]))
        assert record["status"] == twin["status"]
        assert record["quality_score"] == twin["qualityScore"]


def test_daily_metrics_match_the_platforms_report_in_units(sandbox, google):
    start, end = WINDOW
    adobe = {
        (row["date"], row["adGroupId"]): row
        for row in _adobe(sandbox, "/reports/performance", "rows", startDate=start, endDate=end)
    }

    rows = list(google.performance(start, end))

    spending = {key: row for key, row in adobe.items() if row["impressions"] or row["spend"]}
    assert len(rows) == len(spending), "rows whose metrics are all zero are left out"
    for record in rows:
        twin = adobe[(record["date"], f"AG-{int(record['ad_group_external_id']):06d}")]
        assert isinstance(record["impressions"], str) and isinstance(record["clicks"], str)
        assert (int(record["impressions"]), int(record["clicks"])) == (
            twin["impressions"],
            twin["clicks"],
        )
        assert Decimal(record["spend"]) == Decimal(str(twin["spend"]))
        assert record["conversions"] == twin["conversions"]
        assert record["conversion_value"] == twin["conversionValue"]


def test_audiences_are_none_because_they_live_in_adobe(google):
    assert list(google.audiences()) == []


def test_read_backs_return_current_values_by_id_and_leave_out_unknown_ids(sandbox, google):
    budgets = google.current_budgets(["1", "2", "99"])
    bids = google.current_bids(["4"])
    statuses = google.current_statuses(["1"])

    with sandbox.lock:
        world = sandbox.world
        assert budgets == {
            "1": Decimal(str(world.campaign(0)["budget"]["allocated"])),
            "2": Decimal(str(world.campaign(1)["budget"]["allocated"])),
        }
        assert bids == {"4": Decimal(str(world.ad_group(3)["averageBid"]))}
        assert statuses == {"1": world.campaign(0)["status"]}


def test_a_query_outside_the_served_subset_is_invalid_argument_and_not_retried(sandbox):
    client, session = make_client(sandbox)

    with pytest.raises(PlatformError) as err:
        list(
            client.search(
                "SELECT campaign.id FROM campaign WHERE campaign.id = 1 OR campaign.id = 2"
            )
        )

    assert (err.value.status, err.value.code) == (400, "queryError.UNEXPECTED_INPUT")
    assert not err.value.retryable
    assert session.count("googleAds:searchStream") == 1
