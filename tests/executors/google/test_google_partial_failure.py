"""partial_failure applies the valid operations and says which failed and why."""

from decimal import Decimal

import pytest

from tests.executors.google.conftest import google_writes, make_client


def _bid(sandbox, index):
    with sandbox.lock:
        return Decimal(str(sandbox.world.ad_group(index)["averageBid"]))


def test_partial_failure_applies_the_valid_operations_and_reports_each(sandbox, google):
    results = google.set_ad_group_bids(
        [("1", Decimal("20.00")), ("999", Decimal("5.00")), ("2", Decimal("21.50"))]
    )

    assert [(r.external_id, r.ok) for r in results] == [("1", True), ("999", False), ("2", True)]
    assert results[1].error_code == "mutateError.RESOURCE_NOT_FOUND"
    assert "does not exist" in results[1].error
    assert results[0].resource_name == "customers/1234567890/adGroups/1"
    assert (_bid(sandbox, 0), _bid(sandbox, 1)) == (Decimal("20.00"), Decimal("21.50"))
    assert len(google_writes(sandbox)) == 2


def test_a_budget_the_platform_refuses_fails_alone(sandbox, google):
    results = google.set_campaign_budgets(
        [("1", Decimal("2000000000000.00")), ("2", Decimal("777.77"))]
    )

    assert [r.ok for r in results] == [False, True]
    assert results[0].error_code == "campaignBudgetError.MONEY_AMOUNT_TOO_LARGE"
    assert google.current_budgets(["2"]) == {"2": Decimal("777.77")}


def test_without_partial_failure_one_bad_operation_fails_the_whole_request(sandbox):
    client, session = make_client(sandbox)
    before = _bid(sandbox, 0)

    results = client.set_ad_group_bids(
        [("1", Decimal("20.00")), ("999", Decimal("5.00"))], partial_failure=False
    )

    assert [r.ok for r in results] == [False, False]
    assert results[1].error_code == "mutateError.RESOURCE_NOT_FOUND"
    assert "another operation" in results[0].error
    assert _bid(sandbox, 0) == before
    assert google_writes(sandbox) == []
    assert session.count(":mutate") == 1, "INVALID_ARGUMENT is never retried"


def test_a_campaign_missing_from_the_account_fails_without_being_sent(sandbox):
    client, session = make_client(sandbox)

    results = client.set_campaign_budgets([("42", Decimal("10.00"))])

    assert not results[0].ok and "does not exist" in results[0].error
    assert session.count(":mutate") == 0


@pytest.mark.parametrize("amount", [Decimal("10.005"), Decimal("-1"), 10.5, "NaN"])
def test_a_budget_that_is_not_a_whole_cent_is_refused_before_anything_is_sent(sandbox, amount):
    client, session = make_client(sandbox)

    with pytest.raises(ValueError):
        client.set_campaign_budgets([("1", Decimal("10.00")), ("2", amount)])

    assert session.count(":mutate") == 0


def test_the_same_campaign_twice_in_one_call_is_refused(google):
    with pytest.raises(ValueError, match="repeated"):
        google.set_campaign_statuses([("1", "paused"), ("1", "active")])
