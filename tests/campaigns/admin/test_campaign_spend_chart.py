"""The campaign page's spend chart: the daily budget as it was each day (a change is a
step), the days still gathering conversions shaded and named, money on the y axis."""

from datetime import timedelta
from decimal import Decimal

from campaigns.account_time import account_today
from campaigns.models import Campaign
from optimizer.models import OptimizationRun
from tests.campaigns.admin.conftest import change_url
from tests.campaigns.performance_data import with_history


def _day(d) -> str:
    return f"{d.day} {d:%b}"


def _charts(client, user, campaign, query="") -> str:
    client.force_login(user)
    content = client.get(change_url(campaign) + query).content.decode()
    return content[content.index('id="campaign-performance"') :]


def test_the_budget_line_steps_where_the_history_changed_it(client, alice):
    campaign = with_history(alice, budget_change_days_ago=10)
    today = account_today(campaign.account)

    chart = _charts(client, alice.viewer, campaign, "?days=14")

    assert f"daily budget {_day(today - timedelta(days=11))}: ₹5,000" in chart
    assert f"daily budget {_day(today - timedelta(days=10))}: ₹6,500" in chart
    assert f"daily budget {_day(today - timedelta(days=1))}: ₹6,500" in chart


def test_the_days_still_gathering_conversions_are_shaded_and_named(client, alice):
    campaign = with_history(alice)
    today = account_today(campaign.account)

    chart = _charts(client, alice.viewer, campaign, "?days=14")

    assert chart.count('class="chart-band"') == 2  # the spend and the conversion chart
    assert "conversions still arriving" in chart
    assert f"{_day(today - timedelta(days=1))}: about 40% of its conversions in so far" in chart
    assert f"{_day(today - timedelta(days=3))}: about 90% of its conversions in so far" in chart
    assert f"{_day(today - timedelta(days=4))}: about" not in chart  # complete


def test_the_y_axis_is_written_in_the_accounts_money(client, alice):
    campaign = with_history(alice)

    chart = _charts(client, alice.viewer, campaign)
    spend_chart = chart[: chart.index("</svg>")]

    assert (
        'text-anchor="end" font-family="system-ui, sans-serif" font-size="11" fill="#6c757d">₹'
        in (spend_chart)
    )


def test_without_an_optimisation_run_the_policys_lag_window_is_shaded(client, alice):
    campaign = with_history(alice)
    OptimizationRun.objects.filter(account=campaign.account).delete()
    today = account_today(campaign.account)

    chart = _charts(client, alice.viewer, campaign, "?days=14")

    # The policy's default window is 7 days: those days are young, their share unknown.
    young = f"{_day(today - timedelta(days=7))}: conversions still arriving (share not measured"
    assert young in chart
    assert f"{_day(today - timedelta(days=8))}: conversions still arriving" not in chart


def test_before_spectra_first_saw_the_campaign_the_budget_is_the_one_first_synced(client, alice):
    # Synced in today with weeks of metrics behind it, as the demo's campaigns are.
    campaign = with_history(alice, budget_change_days_ago=10)
    Campaign.history.filter(id=campaign.pk).exclude(daily_budget=Decimal("6500")).delete()
    today = account_today(campaign.account)
    seen = today - timedelta(days=10)

    chart = _charts(client, alice.viewer, campaign, "?days=14")

    first_synced = f"daily budget as first synced ({_day(seen)})"
    assert f"{first_synced} {_day(today - timedelta(days=11))}: ₹6,500" in chart
    assert f"daily budget {_day(today - timedelta(days=10))}: ₹6,500" in chart
    assert f"daily budget {_day(today - timedelta(days=11))}" not in chart
