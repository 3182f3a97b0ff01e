"""A quarantined row's reason quotes the platform's value: bounded and redacted like any
platform text a viewer sees (the row itself is kept whole in its payload)."""

from campaigns.models import QuarantinedRow
from executors.sync import sync_account
from tests.executors.conftest import WINDOW, inject

TOKEN = "ya29.a0AfH6SMBxLEAKEDaccessTOKEN"


def test_a_huge_value_is_quoted_short_and_without_secrets(sandbox, sandbox_account):
    value = f"lots, token {TOKEN} " + "many " * 10_000
    row = {
        "date": WINDOW[1].isoformat(),
        "campaignId": "CMP-0001",
        "adGroupId": "AG-000001",
        "impressions": 1000,
        "clicks": 50,
        "conversions": value,
        "conversionValue": 900.0,
        "spend": 400.0,
        "currency": "INR",
    }
    inject(sandbox, performanceRows=[row])

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    quarantined = QuarantinedRow.objects.get(account=sandbox_account)
    assert quarantined.reason.startswith("'conversions' is 'lots, token")
    assert len(quarantined.reason) <= 500
    assert TOKEN not in quarantined.reason
    assert quarantined.payload["conversions"] == value
