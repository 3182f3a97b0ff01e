"""The recommendation page charts the numbers its decision rests on."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import DailyMetric, Recommendation, RecommendationKind
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_recommendation

K = RecommendationKind


def _chart(client, user, rec) -> str:
    client.force_login(user)
    content = client.get(change_url(rec)).content.decode()
    start = content.index('<svg class="spectra-chart"')
    return content[start : content.index("</svg>", start)]


def test_a_budget_change_charts_the_series_stored_in_its_evidence(client, alice):
    rec = make_recommendation(
        alice.campaign,
        evidence={
            "series": {
                "dates": ["2026-02-20", "2026-02-21", "2026-02-22"],
                "spend": [4800.0, 5100.0, 4950.0],
                "value": [15100.0, 16020.5, 15500.0],
            }
        },
    )

    chart = _chart(client, alice.viewer, rec)

    assert "spend 02-21: 5,100" in chart
    assert "conversion value 02-22: 15,500" in chart


def test_a_bid_change_charts_its_ad_groups_last_days_from_the_metrics(client, alice):
    today = timezone.now().date()
    for days_ago, spend in ((2, "700"), (1, "900"), (40, "5")):
        DailyMetric.objects.create(
            ad_group=alice.ad_group,
            campaign=alice.campaign,
            date=today - timedelta(days=days_ago),
            impressions=100,
            clicks=10,
            spend=Decimal(spend),
            conversion_value=Decimal("2000"),
            synced_at=timezone.now(),
        )
    rec = make_recommendation(
        alice.campaign,
        kind=K.BID,
        ad_group=alice.ad_group,
        current_value=Decimal("15.50"),
        proposed_value=Decimal("17.00"),
    )

    chart = _chart(client, alice.viewer, rec)

    yesterday = today - timedelta(days=1)
    assert f"spend {yesterday:%m-%d}: 900" in chart
    assert "5.00" not in chart  # 40 days ago is outside the window


def test_an_audience_change_charts_its_scores_against_the_thresholds(client, alice):
    rec = Recommendation.objects.create(
        account=alice.account,
        audience=alice.audience,
        kind=K.AUDIENCE_SUPPRESS,
        current_value=Decimal(1),
        proposed_value=Decimal(0),
        reason="Suppress: fatigue 86 is above 80.",
        evidence={
            "intent_score": 40.0,
            "fatigue_score": 86.0,
            "intent_activate_threshold": 70.0,
            "fatigue_suppress_threshold": 80.0,
        },
    )

    chart = _chart(client, alice.viewer, rec)

    assert "fatigue: 86.0" in chart
    assert "limit 80.0" in chart
