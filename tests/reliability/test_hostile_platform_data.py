"""Hostile platform data the quarantine tests did not cover: items that are not objects
at all, and non-finite or absurd values in ad groups and segments. Each is kept with a
reason and the rest of the sync completes (tests/executors/test_sync_quarantine.py has
the metric and campaign cases)."""

import pytest

from campaigns.models import AdGroup, Audience, Campaign, DailyMetric, QuarantinedRow
from executors.sync import sync_account
from tests.executors.conftest import WINDOW, inject

DAYS = (WINDOW[1] - WINDOW[0]).days + 1


def _ad_group(**overrides):
    base = {"id": "AG-X1", "campaignId": "CMP-0001", "name": "Hostile", "status": "active",
            "averageBid": 3.5, "currency": "INR", "qualityScore": 5}  # fmt: skip
    return base | overrides


def _segment(**overrides):
    base = {"id": "SEG-X1", "name": "Hostile", "status": "active", "intentScore": 50,
            "fatigueScore": 10, "estimatedProfiles": 1000}  # fmt: skip
    return base | overrides


HOSTILE = [
    ("metric row is a string", "performanceRows", "junk", "metric", "not a JSON object"),
    ("metric row is a number", "performanceRows", 7, "metric", "not a JSON object"),
    ("campaign is a string", "campaigns", "junk", "campaign", "not a JSON object"),
    ("ad group is a list", "adGroups", [1, 2], "ad_group", "not a JSON object"),
    ("segment is null", "segments", None, "audience", "not a JSON object"),
    ("NaN bid", "adGroups", _ad_group(averageBid=float("nan")), "ad_group", "not a finite"),
    ("negative bid", "adGroups", _ad_group(averageBid=-3), "ad_group", "is negative"),
    ("huge bid", "adGroups", _ad_group(averageBid=1e30), "ad_group", "beyond any plausible"),
    ("duplicate ad group", "adGroups", _ad_group(id="AG-000001"), "ad_group", "duplicate id"),
    ("orphan ad group", "adGroups", _ad_group(campaignId="CMP-9"), "ad_group", "unknown campaign"),
    ("NaN intent", "segments", _segment(intentScore=float("nan")), "audience", "not a finite"),
    ("intent over 100", "segments", _segment(intentScore=500), "audience", "beyond any"),
    ("negative reach", "segments", _segment(estimatedProfiles=-10), "audience", "is negative"),
    ("duplicate segment", "segments", _segment(id="SEG-001"), "audience", "duplicate id"),
]


@pytest.mark.parametrize(("label", "where", "item", "kind", "reason"), HOSTILE,
                         ids=[h[0] for h in HOSTILE])  # fmt: skip
def test_a_hostile_item_is_quarantined_and_everything_else_syncs(
    sandbox, sandbox_account, label, where, item, kind, reason
):
    inject(sandbox, **{where: [item]})

    run = sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    quarantined = QuarantinedRow.objects.get(account=sandbox_account)
    assert quarantined.kind == kind
    assert reason in quarantined.reason
    assert run.rows_quarantined == 1
    account = sandbox_account
    assert Campaign.objects.filter(account=account).count() == 6
    assert AdGroup.objects.filter(campaign__account=account).count() == 18
    assert Audience.objects.filter(account=account).count() == 5
    assert DailyMetric.objects.filter(campaign__account=account).count() == 18 * DAYS
