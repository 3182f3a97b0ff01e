"""Daily metrics filter by date range, campaign and ad group."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaigns.models import DailyMetric
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_metrics_are_filtered_by_an_inclusive_date_range(alice):
    start = date(2026, 3, 1)
    for day in range(10):
        DailyMetric.objects.create(
            ad_group=alice.ad_group,
            campaign=alice.campaign,
            date=start + timedelta(days=day),
            impressions=100,
            clicks=10,
            synced_at=timezone.now(),
        )
    response = client_for(alice.viewer).get(
        f"/api/v1/metrics/?date_from=2026-03-03&date_to=2026-03-05&campaign={alice.campaign.pk}"
    )
    assert response.status_code == 200
    assert [m["date"] for m in response.json()["results"]] == [
        "2026-03-05",
        "2026-03-04",
        "2026-03-03",
    ]
