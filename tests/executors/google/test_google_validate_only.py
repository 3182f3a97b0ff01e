"""validate_only (the dry run) checks every operation and changes nothing."""

from decimal import Decimal

from tests.executors.google.conftest import google_writes


def _world_budgets(sandbox):
    with sandbox.lock:
        return [c["budget"]["allocated"] for c in sandbox.world.campaigns()]


def test_a_validate_only_write_changes_nothing_and_logs_nothing(sandbox, google):
    before = _world_budgets(sandbox)

    results = google.set_campaign_budgets(
        [("1", Decimal("1234.50")), ("2", Decimal("999.00"))], validate_only=True
    )

    assert [r.ok for r in results] == [True, True]
    assert results[0].resource_name == "customers/1234567890/campaignBudgets/1"
    assert _world_budgets(sandbox) == before
    assert google_writes(sandbox) == []


def test_a_validate_only_write_reports_what_would_fail(sandbox, google):
    results = google.set_campaign_budgets(
        [("1", Decimal("10.00")), ("2", Decimal("2000000000000"))], validate_only=True
    )

    assert [r.ok for r in results] == [True, False]
    assert results[1].error_code == "campaignBudgetError.MONEY_AMOUNT_TOO_LARGE"
    assert google_writes(sandbox) == []


def test_validate_only_status_and_bid_writes_change_nothing(sandbox, google):
    with sandbox.lock:
        before = (sandbox.world.campaigns(), sandbox.world.ad_groups())

    google.set_campaign_statuses([("1", "paused")], validate_only=True)
    google.set_ad_group_bids([("1", Decimal("1.00"))], validate_only=True)

    with sandbox.lock:
        assert (sandbox.world.campaigns(), sandbox.world.ad_groups()) == before
