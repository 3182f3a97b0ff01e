"""load_account_inputs reads an account with a constant number of queries, only that
account's rows, and each campaign's budget as it was on each day of the window."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.guardrails import PolicyLimits
from campaigns.models import Campaign
from optimizer.load import load_account_inputs
from optimizer.models import SeasonalEvent
from tests.factories import make_ad_group, make_audience, make_campaign
from tests.optimizer.builders import AS_OF, write_daily_metrics

NOW = datetime.combine(AS_OF, time(6), tzinfo=UTC)


def at(day):
    return datetime.combine(day, time(9), tzinfo=UTC)


def grow(tenant, campaigns: int) -> None:
    """Give the tenant's account `campaigns` campaigns in all, each with two ad groups, 35
    days of metrics, a budget change in the window; plus audiences and a seasonal event."""
    for n in range(campaigns - 1):
        campaign = make_campaign(tenant.account, name=f"{tenant.org.name} campaign {n}")
        write_daily_metrics(campaign, make_ad_group(campaign), seed=n)
        make_ad_group(campaign)
        make_audience(tenant.account)
    write_daily_metrics(tenant.campaign, tenant.ad_group)
    for campaign in Campaign.objects.filter(account=tenant.account):
        campaign.daily_budget += Decimal("100")
        campaign.save()
    history = Campaign.history.filter(account=tenant.account)
    history.filter(history_type="+").update(history_date=at(AS_OF - timedelta(days=60)))
    history.filter(history_type="~").update(history_date=at(AS_OF - timedelta(days=10)))
    SeasonalEvent.objects.create(
        organization=tenant.org,
        name="Summer sale",
        start_date=AS_OF - timedelta(days=20),
        end_date=AS_OF - timedelta(days=14),
        multiplier=Decimal("1.50"),
    )


def load(account):
    return load_account_inputs(account, as_of=AS_OF, now=NOW, limits=PolicyLimits())


def queries_to_load(account) -> int:
    account = type(account).objects.get(pk=account.pk)  # nothing cached on the instance
    with CaptureQueriesContext(connection) as captured:
        load(account)
    return len(captured.captured_queries)


def test_it_reads_3_and_30_campaigns_with_the_same_number_of_queries(alice, bob):
    grow(alice, 3)
    grow(bob, 30)

    small, large = queries_to_load(alice.account), queries_to_load(bob.account)

    assert small == large
    # Campaigns, ad groups, audiences, campaign-day sums, ad-group days, events, budget history.
    assert large == 7


def test_it_reads_only_the_accounts_own_rows(alice, bob):
    grow(alice, 3)
    grow(bob, 5)

    inputs = load(alice.account)

    alice_campaigns = set(Campaign.objects.filter(account=alice.account).values_list("pk", flat=1))
    assert set(inputs.campaigns.ids.tolist()) == alice_campaigns
    assert bob.campaign.pk not in inputs.campaign_metrics.entity_ids
    assert bob.ad_group.pk not in inputs.ad_groups.ids
    assert bob.audience.pk not in inputs.audiences.ids
    # Every alice campaign has its 35 days of ₹5,000-a-day spend, and nothing of bob's.
    assert inputs.campaign_metrics.spend.shape == (3, 35)
    np.testing.assert_array_less(4800, inputs.campaign_metrics.spend)
    np.testing.assert_array_less(inputs.campaign_metrics.spend, 5001)


def change_budget(campaign, *, from_budget: str, to_budget: str, changed_at: datetime) -> None:
    """History: `from_budget` since long before the window, `to_budget` from `changed_at`."""
    campaign.daily_budget = Decimal(from_budget)
    campaign.save()
    campaign.daily_budget = Decimal(to_budget)
    campaign.save()
    old, new = Campaign.history.filter(id=campaign.pk).order_by("history_date")[1:3]
    Campaign.history.filter(pk=old.pk).update(history_date=at(AS_OF - timedelta(days=60)))
    Campaign.history.filter(pk=new.pk).update(history_date=changed_at)


def budgets_by_day(inputs, campaign) -> dict[date, float]:
    row = inputs.campaign_budgets[list(inputs.campaigns.ids).index(campaign.pk)]
    return {
        d.astype(date): float(b) for d, b in zip(inputs.campaign_metrics.dates, row, strict=True)
    }


def test_a_budget_changed_five_days_ago_shows_the_old_budget_before_and_the_new_after(alice):
    changed_on = AS_OF - timedelta(days=5)
    change_budget(alice.campaign, from_budget="4000", to_budget="6000", changed_at=at(changed_on))

    inputs = load(alice.account)

    budget_on = budgets_by_day(inputs, alice.campaign)
    assert budget_on[AS_OF - timedelta(days=35)] == 4000.0  # the window's first day
    assert budget_on[changed_on - timedelta(days=1)] == 4000.0
    assert budget_on[changed_on] == 4000.0  # a new daily budget applies from the next day
    assert budget_on[changed_on + timedelta(days=1)] == 6000.0
    assert budget_on[AS_OF - timedelta(days=1)] == 6000.0
    assert inputs.campaigns.budget[list(inputs.campaigns.ids).index(alice.campaign.pk)] == 6000


def test_a_budget_changed_after_midnight_in_the_accounts_time_zone_counts_from_that_day(alice):
    # 20:00 UTC on 27 May is 01:30 on 28 May in Kolkata, where the account's days (and its
    # budgets) turn over: the new budget applies from 29 May, not from 28 May.
    local_day = AS_OF - timedelta(days=5)  # 28 May
    evening_utc = datetime.combine(local_day - timedelta(days=1), time(20), tzinfo=UTC)
    change_budget(alice.campaign, from_budget="4000", to_budget="6000", changed_at=evening_utc)

    inputs = load(alice.account)

    budget_on = budgets_by_day(inputs, alice.campaign)
    assert budget_on[local_day] == 4000.0
    assert budget_on[local_day + timedelta(days=1)] == 6000.0
