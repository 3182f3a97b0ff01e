"""Every list endpoint answers in a fixed number of queries: 3 rows or 30, the same.

The 11 are: token, roles, the token throttle's count in the database cache
(6, with its savepoint), the organization quota (read, count) and the page
itself. What must not grow with the rows is the N in N+1.
"""

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import (
    Ad,
    Alert,
    Asset,
    Brief,
    ChangeSet,
    DailyMetric,
    GuardrailPolicy,
    Membership,
    Role,
)
from executors.models import ExecutionLog
from optimizer.models import OptimizationRun
from tests.api.helpers import client_for
from tests.factories import (
    make_account,
    make_ad_group,
    make_audience,
    make_campaign,
    make_launched_campaign,
    make_org,
    make_recommendation,
)

pytestmark = pytest.mark.django_db

# Pinned: a change here is a change in what every list costs — explain it in the commit.
QUERIES = {
    "organizations": 11,
    "accounts": 11,
    "campaigns": 11,
    "ad-groups": 11,
    "audiences": 11,
    "metrics": 11,
    "optimization-runs": 11,
    "recommendations": 11,
    "change-sets": 12,  # one more: the legs, prefetched for the whole page
    "executions": 11,
    "alerts": 11,
    "policies": 11,
    "briefs": 11,
    "assets": 11,
}


def _populate(tenant, n: int, start: int = 0) -> None:
    """n rows of every listed kind in the tenant's organization."""
    for i in range(start, start + n):
        org = make_org(f"{tenant.org.name} sister {i}")
        Membership.objects.create(user=tenant.approver, organization=org, role=Role.VIEWER)
        account = make_account(tenant.org)
        GuardrailPolicy.objects.create(organization=tenant.org, account=account)
        campaign = make_campaign(account)
        ad_group = make_ad_group(campaign)
        make_audience(account)
        DailyMetric.objects.create(
            ad_group=ad_group, campaign=campaign, date=date(2026, 1, 1), synced_at=timezone.now()
        )
        OptimizationRun.objects.create(
            account=account,
            as_of=date(2026, 1, 1) + timedelta(days=i),
            window_start=date(2025, 12, 1),
            window_end=date(2025, 12, 31),
        )
        rec = make_recommendation(campaign, decided_by=tenant.approver)
        change_set = ChangeSet.objects.create(account=account, total_before=1, total_after=1)
        make_recommendation(campaign, change_set=change_set, decided_by=tenant.approver)
        ExecutionLog.objects.create(
            recommendation=rec,
            account=account,
            action="adobe.campaign_budget",
            mode="dry_run",
            idempotency_key=uuid.uuid4(),
            outcome="simulated",
        )
        launch = make_launched_campaign(account, "pending_deployment")
        Brief.objects.filter(campaign=launch).update(approved_by=tenant.approver)
        ad = Ad.objects.create(
            campaign=launch, ad_group=make_ad_group(launch), kind="rsa", final_url="https://a.test"
        )
        Asset.objects.create(campaign=launch, ad=ad, kind="headline", text=f"Headline {i}")
        Alert.objects.create(
            organization=tenant.org,
            account=account,
            campaign=campaign,
            kind="sync_failed",
            title=f"Alert {i}",
            acknowledged_by=tenant.approver,
            acknowledged_at=timezone.now(),
        )


def _count(client, path: str) -> tuple[int, int]:
    client.get(f"/api/v1/{path}/")  # warm: the token's last-used time is written once a minute
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/{path}/?page_size=100")
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_a_list_costs_the_same_queries_for_3_rows_and_for_30(path, alice, bob, monkeypatch):
    # One minute throughout: the first request of a minute opens the quota rows.
    monkeypatch.setattr("api.throttling.time.time", lambda: 1_800_000_000.0)
    client = client_for(alice.approver)
    _populate(alice, 3)
    _populate(bob, 3)  # another tenant's rows must cost nothing either
    few, shown_few = _count(client, path)
    _populate(alice, 27, start=3)
    many, shown_many = _count(client, path)
    assert shown_many > shown_few >= 3
    assert few == many == QUERIES[path], f"{path}: {few} queries for 3 rows, {many} for 30"
