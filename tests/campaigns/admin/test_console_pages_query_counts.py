"""The audit timeline and the campaign page: bounded queries, however long the history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.services.campaigns import campaign_update_limits
from campaigns.services.recommendations import recommendation_approve
from executors.models import ExecutionLog, ExecutionOutcome
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_ad_group, make_recommendation

# Pinned: 5 per request (session, user, permissions twice, memberships), then the page's own.
# The audit page: + the object, one UNION picking the page, then for each kind of record
# on the page its rows and the versions they follow (2 each; executions 1) — bounded by
# the kinds of record, never by their number.
AUDIT_BUDGET = {"campaign audit": 5 + 2 + 5 * 2 + 1, "account audit": 5 + 2 + 6 * 2 + 1}
# The campaign page: + the campaign, its ad groups, the range's and comparison's metrics
# (one query), its recommendations, its executions, the transition buttons' role check,
# the budget's versions over the range (one query, read back only to the range's start;
# a second for the version first seen when none is older than the range's end), and the
# conversion lag (the account's latest optimisation run; without one, its policy).
CAMPAIGN_PAGE_BUDGET = 15


def _more_history(tenant, n: int) -> None:
    for i in range(n):
        campaign_update_limits(
            campaign=tenant.campaign,
            actor=tenant.analyst,
            reason=f"cap {i}",
            max_daily_spend=Decimal(7000 + i),
            total_spend_limit=None,
            target_roas=None,
            target_cpa=None,
            is_pinned=False,
        )
        make_ad_group(tenant.campaign)
        rec = make_recommendation(tenant.campaign)
        recommendation_approve(recommendation=rec, actor=tenant.approver)
        ExecutionLog.objects.create(
            recommendation=rec,
            account=tenant.account,
            action="adobe.campaign_budget",
            mode="live",
            idempotency_key=rec.idempotency_key,
            outcome=ExecutionOutcome.SUCCEEDED,
            detail=f"HTTP 200 #{i}",
        )


def _count(client, url) -> int:
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "page",
    ["campaign audit", "account audit", "campaign page"],
)
def test_the_page_query_count_does_not_grow_with_history(client, alice, page):
    urls = {
        "campaign audit": reverse("admin:campaigns_campaign_audit", args=[alice.campaign.pk]),
        "account audit": reverse("admin:campaigns_adaccount_audit", args=[alice.account.pk]),
        "campaign page": change_url(alice.campaign),
    }
    budget = CAMPAIGN_PAGE_BUDGET if page == "campaign page" else AUDIT_BUDGET[page]
    client.force_login(alice.viewer)
    _more_history(alice, 1)
    few = _count(client, urls[page])

    _more_history(alice, 30)
    many = _count(client, urls[page])

    assert few <= budget
    assert many <= budget
    if page == "campaign page":
        assert many == few
