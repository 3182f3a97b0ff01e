"""After a sync, a campaign whose spend or CPA breaks from its last 28 days gets an Alert."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from campaigns.models import Alert, AlertKind, DailyMetric, Severity
from optimizer.anomaly_alerts import detect_account_anomalies
from tests.factories import make_ad_group, make_campaign

AS_OF = date(2026, 11, 1)


def _history(campaign, *, spike_spend: float | None = None, seed: int = 0):
    """35 normal days (lognormal noise) ending yesterday; optionally a spend spike yesterday."""
    rng = np.random.default_rng(seed)
    group = make_ad_group(campaign)
    rows = []
    for age in range(35, 0, -1):
        noise = rng.lognormal(0, 0.1)
        spend = 3000 * noise
        clicks = int(600 * noise)
        conversions = 30 * rng.lognormal(0, 0.1)
        if age == 1 and spike_spend is not None:
            spend = spike_spend
        rows.append(
            DailyMetric(
                ad_group=group,
                campaign=campaign,
                date=AS_OF - timedelta(days=age),
                impressions=clicks * 20,
                clicks=clicks,
                conversions=Decimal(f"{conversions:.2f}"),
                conversion_value=Decimal("9000"),
                spend=Decimal(f"{spend:.2f}"),
                synced_at=timezone.now(),
            )
        )
    DailyMetric.objects.bulk_create(rows)


def test_a_spend_spike_raises_one_critical_alert_with_the_numbers(alice):
    spiky = make_campaign(alice.account, name="Diwali search")
    _history(spiky, spike_spend=30000.0)
    _history(make_campaign(alice.account, name="Steady"), seed=1)

    raised = detect_account_anomalies(account=alice.account, as_of=AS_OF)

    alert = Alert.objects.get(kind=AlertKind.ANOMALY_SPEND)
    assert raised >= 1
    assert alert.campaign_id == spiky.pk
    assert alert.severity == Severity.CRITICAL
    assert "Diwali search" in alert.title
    assert "₹" in alert.message
    assert not Alert.objects.filter(campaign__name="Steady").exists()


def test_detecting_twice_keeps_one_open_alert_per_break(alice):
    _history(make_campaign(alice.account), spike_spend=30000.0)

    detect_account_anomalies(account=alice.account, as_of=AS_OF)
    detect_account_anomalies(account=alice.account, as_of=AS_OF)

    assert Alert.objects.filter(kind=AlertKind.ANOMALY_SPEND).count() == 1


def test_normal_noise_raises_nothing(alice, bob):
    for seed in range(5):
        _history(make_campaign(alice.account), seed=seed)

    assert detect_account_anomalies(account=alice.account, as_of=AS_OF) == 0
    assert not Alert.objects.exists()


def test_alerts_belong_to_the_accounts_organization(alice, bob):
    _history(make_campaign(alice.account), spike_spend=30000.0)

    detect_account_anomalies(account=alice.account, as_of=AS_OF)

    assert set(Alert.objects.values_list("organization_id", flat=True)) == {alice.org.pk}
