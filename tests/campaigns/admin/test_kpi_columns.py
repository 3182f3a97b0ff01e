"""The campaign and ad-group lists show CTR, CPC, CPA, ROAS, spend and conversions over
a recent window (the last 7 complete days unless chosen), sortable, "—" for no data."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.models import DailyMetric
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.factories import make_account, make_ad_group, make_campaign


def _metric(campaign, ad_group, days_ago, *, spend, clicks=100, conversions="5", value="0"):
    today = account_today(campaign.account)
    return DailyMetric.objects.create(
        ad_group=ad_group,
        campaign=campaign,
        date=today - timedelta(days=days_ago),
        impressions=clicks * 20,
        clicks=clicks,
        conversions=Decimal(conversions),
        conversion_value=Decimal(value),
        spend=Decimal(spend),
        synced_at=timezone.now(),
    )


def _row(response, obj):
    """The rendered cells of `obj`'s row, by column name."""
    cl = response.context["cl"]
    row = next(r for r in cl.result_list if r.pk == obj.pk)
    admin = cl.model_admin
    return {
        name: str(getattr(admin, name)(row))
        for name in cl.list_display
        if name.startswith("kpi_") and hasattr(admin, name)
    }


def test_the_campaign_list_shows_the_last_7_complete_days(client, alice):
    for days_ago in range(1, 8):  # 7 complete days: 7 × (₹1,000, 100 clicks, 5 conv.)
        _metric(alice.campaign, alice.ad_group, days_ago, spend="1000", value="4000")
    _metric(alice.campaign, alice.ad_group, 0, spend="99999")  # today: incomplete
    _metric(alice.campaign, alice.ad_group, 8, spend="77777")  # before the window
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign"))

    assert _row(response, alice.campaign) == {
        "kpi_spend_display": "₹7,000",
        "kpi_conversions_display": "35",
        "kpi_ctr_display": "5.00 %",
        "kpi_cpc_display": "₹10",
        "kpi_cpa_display": "₹200",
        "kpi_roas_display": "4.00×",
    }
    assert "the last 7 complete days" in response.content.decode()


def test_no_data_reads_as_a_dash_and_zero_clicks_divide_nothing(client, alice):
    quiet = make_campaign(alice.account, name="quiet")
    idle = make_campaign(alice.account, name="idle")
    _metric(idle, make_ad_group(idle), 1, spend="0", clicks=0, conversions="0")
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign"))

    assert set(_row(response, quiet).values()) == {"—"}
    assert _row(response, idle) == {
        "kpi_spend_display": "₹0",
        "kpi_conversions_display": "0",
        "kpi_ctr_display": "—",
        "kpi_cpc_display": "—",
        "kpi_cpa_display": "—",
        "kpi_roas_display": "—",
    }


def test_a_kpi_column_sorts_both_ways_with_empty_rows_last(client, alice):
    cheap = make_campaign(alice.account, name="cheap")
    dear = make_campaign(alice.account, name="dear")
    _metric(cheap, make_ad_group(cheap), 1, spend="100", conversions="10")  # CPA ₹10
    _metric(dear, make_ad_group(dear), 1, spend="1000", conversions="2")  # CPA ₹500
    client.force_login(alice.viewer)
    cpa = client.get(changelist_url("campaign")).context["cl"].list_display
    column = cpa.index("kpi_cpa_display")

    ascending = client.get(changelist_url("campaign") + f"?o={column}")
    descending = client.get(changelist_url("campaign") + f"?o=-{column}")

    names = [c.name for c in ascending.context["cl"].result_list]
    assert names[:2] == ["cheap", "dear"] and names[-1] == alice.campaign.name
    names = [c.name for c in descending.context["cl"].result_list]
    assert names[:2] == ["dear", "cheap"] and names[-1] == alice.campaign.name


def test_a_longer_window_is_chosen_in_the_sidebar(client, alice):
    _metric(alice.campaign, alice.ad_group, 1, spend="1000")
    _metric(alice.campaign, alice.ad_group, 20, spend="500")
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign") + "?kpi_days=28")

    assert _row(response, alice.campaign)["kpi_spend_display"] == "₹1,500"
    assert "Last 28 complete days" in response.content.decode()


def test_a_bad_window_says_so_and_shows_the_default(client, alice):
    _metric(alice.campaign, alice.ad_group, 1, spend="1000")
    _metric(alice.campaign, alice.ad_group, 20, spend="500")
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign") + "?kpi_days=9999999999999")

    assert response.status_code == 200
    assert _row(response, alice.campaign)["kpi_spend_display"] == "₹1,000"
    assert any("not one of 7, 14, 28, 90 days" in m for m in messages_of(response))


def test_each_account_counts_its_own_complete_days_and_currency(client, alice):
    # Far east of India, "yesterday" may already be another date than in Kolkata.
    tokyo = make_account(alice.org, name="tokyo", time_zone="Asia/Tokyo", currency="JPY")
    japan = make_campaign(tokyo, name="japan")
    group = make_ad_group(japan)
    _metric(japan, group, 1, spend="3000")
    _metric(japan, group, 0, spend="99999")  # today in Tokyo
    _metric(alice.campaign, alice.ad_group, 1, spend="1000")
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign"))

    assert _row(response, japan)["kpi_spend_display"] == "JPY 3,000"
    assert _row(response, alice.campaign)["kpi_spend_display"] == "₹1,000"


def test_the_ad_group_list_shows_its_own_kpis(client, alice):
    other = make_ad_group(alice.campaign, name="other group")
    _metric(alice.campaign, alice.ad_group, 1, spend="1000", clicks=50)
    _metric(alice.campaign, other, 1, spend="300", clicks=30)
    client.force_login(alice.viewer)

    response = client.get(reverse("admin:campaigns_adgroup_changelist"))

    assert _row(response, alice.ad_group)["kpi_cpc_display"] == "₹20"
    assert _row(response, other)["kpi_cpc_display"] == "₹10"
