"""Every kind of bad platform row is kept with a specific reason; the rest syncs."""

import pytest

from campaigns.models import DailyMetric, QuarantinedRow
from executors.sync import sync_account
from tests.executors.conftest import WINDOW, inject

DAY = WINDOW[1].isoformat()


def _row(sandbox, **overrides):
    base = {
        "date": DAY,
        "campaignId": "CMP-0001",
        "adGroupId": "AG-000001",
        "impressions": 1000,
        "clicks": 50,
        "conversions": 2.0,
        "conversionValue": 900.0,
        "spend": 400.0,
        "currency": "INR",
    }
    return {k: v for k, v in (base | overrides).items() if v is not ...}


BAD_METRICS = [
    ("negative spend", {"spend": -12.5}, "'spend' is negative"),
    (
        "clicks above impressions",
        {"clicks": 120, "impressions": 100},
        "clicks (120) exceed impressions (100)",
    ),
    ("missing field", {"spend": ...}, "missing field 'spend'"),
    ("unknown ad group", {"adGroupId": "AG-999999"}, "unknown ad group 'AG-999999'"),
    ("not a number", {"conversions": "lots"}, "'conversions' is 'lots', not a number"),
    ("wrong type", {"clicks": [1, 2]}, "'clicks' must be a number"),
    ("boolean", {"impressions": True}, "'impressions' must be a number"),
    ("huge", {"spend": 1e20}, "beyond any plausible value"),
    ("fractional count", {"clicks": 2.5}, "'clicks' must be a whole number"),
    ("bad date", {"date": "2026-13-45"}, "not a YYYY-MM-DD date"),
]


@pytest.mark.parametrize(
    ("label", "overrides", "reason"), BAD_METRICS, ids=[b[0] for b in BAD_METRICS]
)
def test_a_bad_metric_row_is_quarantined_with_its_reason(
    sandbox, sandbox_account, label, overrides, reason
):
    inject(sandbox, performanceRows=[_row(sandbox, **overrides)])

    run = sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    quarantined = QuarantinedRow.objects.get(account=sandbox_account)
    assert reason in quarantined.reason
    assert quarantined.kind == "metric"
    assert run.rows_quarantined == 1
    days = (WINDOW[1] - WINDOW[0]).days + 1
    assert DailyMetric.objects.filter(campaign__account=sandbox_account).count() == 18 * days


def test_a_not_a_number_value_is_quarantined(sandbox, sandbox_account):
    inject(sandbox, performanceRows=[_row(sandbox, spend=float("nan"))])

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert "not a finite number" in QuarantinedRow.objects.get().reason


def test_a_duplicate_row_is_quarantined_and_the_first_kept(sandbox, sandbox_account):
    inject(sandbox, performanceRows=[_row(sandbox, adGroupId="AG-000002", spend=1.0)])

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert "duplicate row for ad group 'AG-000002'" in QuarantinedRow.objects.get().reason
    kept = DailyMetric.objects.get(ad_group__external_id="AG-000002", date=WINDOW[1])
    assert kept.spend != 1


BAD_CAMPAIGNS = [
    (
        "missing budget",
        {"id": "CMP-X1", "name": "No budget", "status": "active"},
        "missing field 'budget'",
    ),
    (
        "negative budget",
        {
            "id": "CMP-X2",
            "name": "Neg",
            "status": "active",
            "budget": {"allocated": -5, "currency": "INR"},
        },
        "'budget' is negative",
    ),
    (
        "foreign currency",
        {
            "id": "CMP-X3",
            "name": "USD",
            "status": "active",
            "budget": {"allocated": 50, "currency": "USD"},
        },
        "currency 'USD' differs from the account's INR",
    ),
    (
        "unknown status",
        {
            "id": "CMP-X4",
            "name": "Odd",
            "status": "deleted",
            "budget": {"allocated": 50, "currency": "INR"},
        },
        "'status' is 'deleted'",
    ),
    (
        "duplicate id",
        {
            "id": "CMP-0001",
            "name": "Copy",
            "status": "active",
            "budget": {"allocated": 50, "currency": "INR"},
        },
        "duplicate id 'CMP-0001'",
    ),
]


@pytest.mark.parametrize(
    ("label", "raw", "reason"), BAD_CAMPAIGNS, ids=[b[0] for b in BAD_CAMPAIGNS]
)
def test_a_bad_campaign_row_is_quarantined_with_its_reason(
    sandbox, sandbox_account, label, raw, reason
):
    inject(sandbox, campaigns=[raw])

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    quarantined = QuarantinedRow.objects.get(account=sandbox_account)
    assert quarantined.kind == "campaign"
    assert reason in quarantined.reason
    assert quarantined.payload["id"] == raw["id"]


def test_the_same_bad_row_seen_again_is_counted_not_copied(sandbox, sandbox_account):
    inject(sandbox, performanceRows=[_row(sandbox, spend=-1)])

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])
    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    row = QuarantinedRow.objects.get()
    assert row.occurrences == 2
