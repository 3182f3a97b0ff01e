"""The execution log, breakers, quota and optimisation-run lists: fixed queries at any size."""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from executors.models import ApiQuotaUsage, CircuitBreaker, ExecutionLog, ExecutionOutcome
from optimizer.models import OptimizationRun
from tests.factories import make_account, make_campaign, make_recommendation

_n = itertools.count(1)

# 5 per request (session, user, permissions twice, memberships), then filter
# choices, the page's count and the page. Raise one only for a reason you can name.
BUDGET = {
    "executors_executionlog": 11,  # date hierarchy; no full count (show_full_result_count)
    "executors_circuitbreaker": 9,
    "executors_apiquotausage": 12,  # date hierarchy, two scoped filters, its daily limit
    "optimizer_optimizationrun": 11,
}


def _more(name: str, org) -> None:
    account = make_account(org)
    n = next(_n)
    if name == "executors_executionlog":
        rec = make_recommendation(make_campaign(account))
        ExecutionLog.objects.create(
            recommendation=rec,
            account=account,
            action="adobe.campaign_budget",
            mode="live",
            idempotency_key=rec.idempotency_key,
            outcome=ExecutionOutcome.SUCCEEDED,
        )
    elif name == "executors_circuitbreaker":
        CircuitBreaker.objects.create(account=account)
    elif name == "executors_apiquotausage":
        ApiQuotaUsage.objects.create(account=account, day=date(2026, 3, 1), operations=n)
    elif name == "optimizer_optimizationrun":
        day = date(2026, 3, 1) + timedelta(days=n)
        OptimizationRun.objects.create(
            account=account, as_of=day, window_start=day - timedelta(days=28), window_end=day
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_the_changelist_query_count_does_not_grow_with_rows(client, alice, name):
    url = reverse(f"admin:{name}_changelist")
    client.force_login(alice.admin)
    _more(name, alice.org)
    client.get(url)  # warm per-process caches (content types)
    with_one = _queries(client, url)

    for _ in range(19):
        _more(name, alice.org)
    twenty = _queries(client, url)

    assert twenty == with_one
    assert with_one <= BUDGET[name]
