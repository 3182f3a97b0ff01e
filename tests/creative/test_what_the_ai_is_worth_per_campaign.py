"""Per campaign, the AI's cost beside the value of what it produced: a launch's
conversion value from the day it was approved, and the changes executed on it —
for the person's own organization only."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Brief, CampaignStatus, DailyMetric, RecommendationStatus
from creative.models import AICall
from creative.roi import value_of
from tests.factories import make_ad_group, make_campaign, make_recommendation

pytestmark = pytest.mark.django_db
URL = reverse("admin:creative_aicall_value")


def _call(org, campaign, cost):
    return AICall.objects.create(
        organization=org,
        campaign=campaign,
        purpose="copy",
        provider_name="sandbox",
        model="sandbox-writer",
        outcome="ok",
        cost=Decimal(cost),
    )


def _metric(campaign, ad_group, day, value, spend):
    DailyMetric.objects.create(
        campaign=campaign,
        ad_group=ad_group,
        date=day,
        impressions=1000,
        clicks=100,
        conversions=5,
        conversion_value=Decimal(value),
        spend=Decimal(spend),
        synced_at=datetime(2026, 11, 12, tzinfo=UTC),
    )


@pytest.fixture
def launched(alice):
    campaign = make_campaign(alice.account, name="Winter sale")
    Brief.objects.create(
        campaign=campaign,
        objective="value",
        start_date=date(2026, 11, 1),
        product="Wool socks",
        landing_url="https://example.com/socks",
        approved_at=datetime(2026, 11, 10, 9, tzinfo=UTC),
    )
    group = make_ad_group(campaign)
    _metric(campaign, group, date(2026, 11, 9), "99999.00", "5000.00")  # before the launch
    _metric(campaign, group, date(2026, 11, 10), "12000.00", "3000.00")
    _metric(campaign, group, date(2026, 11, 11), "18000.50", "3000.00")
    _call(alice.org, campaign, "0.250000")
    _call(alice.org, campaign, "0.150000")
    return campaign


def test_a_launch_is_worth_what_it_earned_since_its_approval_per_ai_dollar(alice, launched):
    value = value_of(organization_id=alice.org.pk)

    row = next(r for r in value.campaigns if r.campaign_id == launched.pk)
    assert (row.ai_calls, row.ai_cost) == (2, Decimal("0.400000"))
    assert row.launched_on == date(2026, 11, 10)
    assert (row.launch_value, row.launch_spend) == (Decimal("30000.50"), Decimal("6000.00"))
    assert row.value_per_ai_dollar == Decimal("75001.25")


def test_executed_changes_count_with_their_expected_value_and_others_do_not(alice, launched):
    make_recommendation(
        launched, status=RecommendationStatus.EXECUTED, expected_impact=Decimal("500")
    )
    make_recommendation(
        launched, status=RecommendationStatus.EXECUTED, expected_impact=Decimal("250.50")
    )
    make_recommendation(
        launched, status=RecommendationStatus.REJECTED, expected_impact=Decimal("9000")
    )

    row = next(
        r for r in value_of(organization_id=alice.org.pk).campaigns if r.campaign_id == launched.pk
    )

    assert (row.changes_executed, row.changes_expected_daily) == (2, Decimal("750.50"))


def test_a_campaign_the_ai_never_touched_is_not_listed_and_calls_of_no_campaign_are_apart(
    alice, launched
):
    untouched = make_campaign(alice.account, status=CampaignStatus.ACTIVE, name="Hand made")
    _call(alice.org, None, "0.100000")

    value = value_of(organization_id=alice.org.pk)

    assert untouched.pk not in {r.campaign_id for r in value.campaigns}
    assert value.unassigned_cost == Decimal("0.100000")
    assert value.ai_cost == Decimal("0.500000")


def test_a_campaign_the_ai_wrote_for_but_that_never_launched_has_no_value_yet(alice):
    draft = make_campaign(alice.account, status=CampaignStatus.DRAFT, external_id="", name="Draft")
    _call(alice.org, draft, "0.050000")

    row = next(
        r for r in value_of(organization_id=alice.org.pk).campaigns if r.campaign_id == draft.pk
    )

    assert row.launched_on is None and row.value_per_ai_dollar is None


def test_the_page_shows_the_persons_own_organization_in_its_currency(client, alice, bob, launched):
    _call(bob.org, make_campaign(bob.account, name="Bob's secret launch"), "9.000000")
    client.force_login(alice.viewer)

    page = client.get(URL).content.decode()

    assert "Winter sale" in page and "₹30,000.50" in page
    assert "Bob&#x27;s secret launch" not in page and "Bob's secret launch" not in page
    # asking for another organization shows one's own
    assert (
        "Bob"
        not in client.get(URL, {"organization": bob.org.pk}).content.decode().split("<table")[1]
    )


def test_the_page_is_a_few_queries_however_many_campaigns(
    client, alice, launched, django_assert_max_num_queries
):
    for n in range(20):
        _call(alice.org, make_campaign(alice.account, name=f"c{n}"), "0.010000")
    client.force_login(alice.viewer)
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
