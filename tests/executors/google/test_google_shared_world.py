"""Both APIs change one world and one write log; Google writes replay after a restart."""

from decimal import Decimal

import requests

from executors.sandbox.server import SandboxServer
from tests.executors.conftest import START
from tests.executors.google.conftest import adobe_campaign, google_writes, make_client


def test_a_google_budget_write_is_visible_in_the_adobe_campaign_read(sandbox, google):
    google.set_campaign_budgets([("3", Decimal("4321.09"))])

    assert adobe_campaign(sandbox, "CMP-0003")["budget"]["allocated"] == 4321.09


def test_an_adobe_write_is_visible_in_the_google_read(sandbox, google):
    response = requests.patch(
        f"{sandbox.base_url}/campaign/CMP-0002",
        json={"status": "paused"},
        headers=sandbox.headers(),
        timeout=10,
    )
    assert response.status_code == 200

    assert google.current_statuses(["2"]) == {"2": "paused"}


def test_each_applied_google_operation_is_logged_with_its_platform_and_no_key(sandbox, google):
    google.set_campaign_budgets([("1", Decimal("100.00")), ("2", Decimal("200.00"))])
    google.set_campaign_budgets([("1", Decimal("100.00"))])  # a duplicate, as Google sees none

    writes = google_writes(sandbox)

    assert [(w["path"], w["body"]["budget"]["allocated"]) for w in writes] == [
        ("/campaign/CMP-0001", 100.0),
        ("/campaign/CMP-0002", 200.0),
        ("/campaign/CMP-0001", 100.0),
    ]
    assert {w["idempotencyKey"] for w in writes} == {None}
    assert writes[0]["response"] == {"resourceName": "customers/1234567890/campaignBudgets/1"}


def test_google_writes_survive_a_restart_of_a_saved_sandbox(tmp_path):
    state = str(tmp_path / "sandbox.json")
    options = dict(seed=5, campaigns=2, ad_groups_per_campaign=1, audiences=0)
    with SandboxServer(state_path=state, history_days=3, start_date=START, **options) as first:
        client, _ = make_client(first)
        client.set_campaign_budgets([("2", Decimal("555.55"))])
        client.set_ad_group_bids([("1", Decimal("7.77"))])

    with SandboxServer(state_path=state) as second:
        assert adobe_campaign(second, "CMP-0002")["budget"]["allocated"] == 555.55
        with second.lock:
            assert second.world.ad_group(0)["averageBid"] == 7.77
            assert [w.get("platform") for w in second.world.writes] == ["google_ads"] * 2
