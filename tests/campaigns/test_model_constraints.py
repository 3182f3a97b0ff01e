"""The database itself refuses impossible rows, whatever code path writes them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import (
    AdGroup,
    Audience,
    Campaign,
    DailyMetric,
    GuardrailPolicy,
    Recommendation,
    RecommendationKind,
)
from tests.factories import make_account, make_ad_group, make_campaign, make_recommendation

DAY = datetime.date(2025, 3, 14)


def _metric(ad_group, **kw):
    defaults = dict(
        campaign=ad_group.campaign,
        date=DAY,
        impressions=1000,
        clicks=50,
        spend=Decimal("400.00"),
        synced_at=timezone.now(),
    )
    return DailyMetric.objects.create(ad_group=ad_group, **(defaults | kw))


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_campaign_budget_cannot_be_negative(alice):
    _refused(lambda: make_campaign(alice.account, daily_budget=Decimal("-0.01")))
    _refused(
        lambda: Campaign.objects.filter(pk=alice.campaign.pk).update(daily_budget=Decimal("-1"))
    )
    assert Campaign.objects.get(pk=alice.campaign.pk).daily_budget == Decimal("5000.00")


def test_a_zero_budget_is_allowed(alice):
    assert make_campaign(alice.account, daily_budget=Decimal("0")).pk


@pytest.mark.parametrize("field", ["max_daily_spend", "total_spend_limit"])
def test_a_spend_limit_must_be_positive(alice, field):
    _refused(lambda: make_campaign(alice.account, **{field: Decimal("0")}))


def test_a_day_cannot_have_more_clicks_than_impressions(alice):
    _refused(lambda: _metric(alice.ad_group, impressions=10, clicks=11))
    assert _metric(alice.ad_group, impressions=10, clicks=10).pk


def test_an_ad_group_has_one_metric_row_per_day(alice):
    _metric(alice.ad_group)
    _refused(lambda: _metric(alice.ad_group))
    assert _metric(alice.ad_group, date=DAY + datetime.timedelta(days=1)).pk
    assert _metric(make_ad_group(alice.campaign)).pk


def test_a_campaign_external_id_is_unique_per_account(alice, bob):
    existing = alice.campaign.external_id
    _refused(lambda: make_campaign(alice.account, external_id=existing))
    # Another account, even of the same organization, may reuse the platform's id.
    assert make_campaign(make_account(alice.org), external_id=existing).pk
    assert make_campaign(bob.account, external_id=existing).pk


@pytest.mark.parametrize("score", [0, 11])
def test_a_quality_score_is_between_1_and_10(alice, score):
    _refused(
        lambda: AdGroup.objects.create(
            campaign=alice.campaign, external_id="AG-Q", name="Q", quality_score=score
        )
    )


@pytest.mark.parametrize("field", ["intent_score", "fatigue_score"])
@pytest.mark.parametrize("score", ["-1", "101"])
def test_an_audience_score_is_between_0_and_100(alice, field, score):
    _refused(
        lambda: Audience.objects.create(
            account=alice.account, external_id="SEG-X", name="X", **{field: Decimal(score)}
        )
    )


def test_a_bid_recommendation_names_its_ad_group(alice):
    _refused(lambda: make_recommendation(alice.campaign, kind=RecommendationKind.BID))
    assert make_recommendation(
        alice.campaign, kind=RecommendationKind.BID, ad_group=alice.ad_group
    ).pk


@pytest.mark.parametrize(
    "kind", [RecommendationKind.AUDIENCE_ACTIVATE, RecommendationKind.AUDIENCE_SUPPRESS]
)
def test_an_audience_recommendation_names_its_audience(alice, kind):
    _refused(lambda: make_recommendation(alice.campaign, kind=kind))


def test_a_budget_recommendation_proposes_a_non_negative_value(alice):
    _refused(lambda: make_recommendation(alice.campaign, proposed_value=None))
    _refused(lambda: make_recommendation(alice.campaign, proposed_value=Decimal("-5")))


@pytest.mark.parametrize("model", [Campaign, Recommendation])
def test_a_made_up_status_cannot_be_written_even_by_a_queryset_update(alice, model):
    row = alice.campaign if model is Campaign else alice.recommendation
    before = model.objects.values_list("status", flat=True).get(pk=row.pk)
    _refused(lambda: model.objects.filter(pk=row.pk).update(status="hijacked"))
    assert model.objects.values_list("status", flat=True).get(pk=row.pk) == before


def test_an_organization_has_one_default_policy(alice, bob):
    GuardrailPolicy.objects.create(organization=alice.org)
    _refused(lambda: GuardrailPolicy.objects.create(organization=alice.org))
    # Account overrides and other organizations' defaults are separate rows.
    assert GuardrailPolicy.objects.create(organization=alice.org, account=alice.account).pk
    assert GuardrailPolicy.objects.create(organization=bob.org).pk


def test_an_account_has_at_most_one_override_policy(alice):
    GuardrailPolicy.objects.create(organization=alice.org, account=alice.account)
    _refused(lambda: GuardrailPolicy.objects.create(organization=alice.org, account=alice.account))


@pytest.mark.parametrize("confidence", ["1.5", "-0.01"])
def test_a_confidence_is_between_0_and_1(alice, confidence):
    _refused(lambda: make_recommendation(alice.campaign, confidence=Decimal(confidence)))


def test_a_confidence_of_exactly_1_is_allowed(alice):
    assert make_recommendation(alice.campaign, confidence=Decimal("1")).pk
