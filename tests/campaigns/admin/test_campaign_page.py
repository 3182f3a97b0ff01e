"""The campaign page: spend against its limits, 35 days of performance, its recent changes."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, DailyMetric, RecommendationStatus
from executors.models import ExecutionLog, ExecutionOutcome
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_recommendation


def _page(client, user, campaign) -> str:
    client.force_login(user)
    response = client.get(change_url(campaign))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_spend_as_a_share_of_the_daily_and_total_limits(client, alice):
    Campaign.objects.filter(pk=alice.campaign.pk).update(
        spend_today=Decimal("4200"),
        max_daily_spend=Decimal("7000"),
        spend_to_date=Decimal("150000"),
        total_spend_limit=Decimal("600000"),
    )

    content = _page(client, alice.viewer, alice.campaign)

    assert "₹4,200.00</strong> (60 % of the max daily spend ₹7,000.00)" in content
    assert "₹1,50,000.00</strong> (25 % of the total spend limit ₹6,00,000.00)" in content


def _day(d) -> str:
    return f"{d.day} {d:%b}"


def test_it_charts_the_last_35_days_with_the_daily_limit_as_a_line(client, alice):
    Campaign.objects.filter(pk=alice.campaign.pk).update(max_daily_spend=Decimal("7000"))
    today = timezone.localdate(timezone=ZoneInfo(alice.account.time_zone))
    for days_ago, spend in ((1, "6500"), (34, "3000"), (36, "9999")):
        DailyMetric.objects.create(
            ad_group=alice.ad_group,
            campaign=alice.campaign,
            date=today - timedelta(days=days_ago),
            impressions=100,
            clicks=10,
            conversions=Decimal("12"),
            spend=Decimal(spend),
            synced_at=timezone.now(),
        )

    content = _page(client, alice.viewer, alice.campaign)

    chart = content[content.index('id="campaign-performance"') :]
    assert "max daily spend: ₹7,000" in chart
    assert f"spend {_day(today - timedelta(days=1))}: ₹6,500" in chart
    assert f"spend {_day(today - timedelta(days=34))}: ₹3,000" in chart
    # 36 days ago is outside the range, in the previous period it is compared with.
    assert f"spend {_day(today - timedelta(days=36))}:" not in chart
    assert f"spend, previous period {_day(today - timedelta(days=36))}: ₹9,999" in chart
    assert "conversions" in chart


def test_it_lists_its_recommendations_and_executions_with_links(client, alice):
    executed = make_recommendation(alice.campaign, status=RecommendationStatus.EXECUTED)
    log = ExecutionLog.objects.create(
        recommendation=executed,
        account=alice.account,
        action="adobe.campaign_budget",
        mode="live",
        idempotency_key=executed.idempotency_key,
        outcome=ExecutionOutcome.SUCCEEDED,
        detail="HTTP 200: budget set to 6000.00",
    )

    content = _page(client, alice.viewer, alice.campaign)

    assert reverse("admin:campaigns_recommendation_change", args=[executed.pk]) in content
    assert reverse("admin:executors_executionlog_change", args=[log.pk]) in content
    assert "HTTP 200: budget set to 6000.00" in content
    assert f"?campaign={alice.campaign.pk}" in content


def test_it_links_versions_with_rollback_and_the_audit_timeline(client, alice):
    content = _page(client, alice.viewer, alice.campaign)

    assert reverse("admin:campaigns_campaign_versions", args=[alice.campaign.pk]) in content
    assert reverse("admin:campaigns_campaign_audit", args=[alice.campaign.pk]) in content


def test_its_recommendations_link_lists_only_this_campaigns(client, alice):
    other = make_recommendation(
        Campaign.objects.create(account=alice.account, external_id="X", name="other")
    )
    client.force_login(alice.viewer)

    response = client.get(
        reverse("admin:campaigns_recommendation_changelist") + f"?campaign={alice.campaign.pk}"
    )

    listed = [rec.pk for rec in response.context["cl"].result_list]
    assert alice.recommendation.pk in listed and other.pk not in listed
