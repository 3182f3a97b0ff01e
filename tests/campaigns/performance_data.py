"""A campaign with weeks of metrics, a budget change in its history and an optimisation
run that measured the account's conversion lag: what the campaign page charts."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.models import Campaign, DailyMetric
from campaigns.services.history import save_with_history
from optimizer.models import OptimizationRun

# Yesterday 40 % of its conversions in, two days ago 70 %, three days ago 90 %.
LAG_BY_AGE = [0.4, 0.7, 0.9, 1.0]


def with_history(tenant, *, days: int = 70, budget_change_days_ago: int = 10) -> Campaign:
    """`tenant.campaign` with `days` days of metrics, its budget raised from ₹5,000 to
    ₹6,500 `budget_change_days_ago` days ago, and a run that measured LAG_BY_AGE."""
    campaign = tenant.campaign
    account = campaign.account
    today = account_today(account)
    zone = ZoneInfo(account.time_zone)
    DailyMetric.objects.bulk_create(
        DailyMetric(
            ad_group=tenant.ad_group,
            campaign=campaign,
            date=today - timedelta(days=age),
            impressions=20_000,
            clicks=400 + 5 * (age % 7),
            conversions=Decimal(20 + age % 5),
            conversion_value=Decimal(60_000 + 900 * (age % 6)),
            spend=Decimal(4_800 + 60 * (age % 9))
            if age > budget_change_days_ago
            else Decimal(6_200),
            synced_at=timezone.now(),
        )
        for age in range(1, days + 1)
    )
    Campaign.history.filter(id=campaign.pk).update(
        history_date=datetime.combine(today - timedelta(days=days + 5), time(9), zone)
    )
    Campaign.objects.filter(pk=campaign.pk).update(daily_budget=Decimal("5000"))
    Campaign.history.filter(id=campaign.pk).update(daily_budget=Decimal("5000"))
    campaign.refresh_from_db()
    campaign.daily_budget = Decimal("6500")
    save_with_history(campaign, actor=tenant.approver, reason="Budget raised for the sale")
    Campaign.history.filter(id=campaign.pk, daily_budget=Decimal("6500")).update(
        history_date=datetime.combine(
            today - timedelta(days=budget_change_days_ago), time(11), zone
        )
    )
    OptimizationRun.objects.create(
        account=account,
        as_of=today,
        window_start=today - timedelta(days=56),
        window_end=today - timedelta(days=1),
        status="succeeded",
        summary={
            "conversion_lag": {
                "source": "history",
                "reason": "estimated from history: yesterday is 40% complete",
                "by_age": LAG_BY_AGE,
            }
        },
    )
    campaign.refresh_from_db()
    return campaign
