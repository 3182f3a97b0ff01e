"""A break that lasts several days is one open alert per campaign and metric, refreshed
each day; once a person acknowledges it, the next break opens a new one."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Alert, AlertKind, DailyMetric
from optimizer.anomaly_alerts import detect_account_anomalies
from tests.factories import make_campaign
from tests.optimizer.test_anomaly_alerts import AS_OF, _history


def _another_spike_day(campaign):
    """The spike goes on: AS_OF itself spends ten times the usual too."""
    yesterday = DailyMetric.objects.get(campaign=campaign, date=AS_OF - timedelta(days=1))
    yesterday.pk, yesterday.date = None, AS_OF
    yesterday.spend = Decimal("31000.00")
    yesterday.save()


def test_the_second_day_of_a_spike_refreshes_the_open_alert(alice):
    campaign = make_campaign(alice.account, name="Runaway")
    _history(campaign, spike_spend=30000.0)
    detect_account_anomalies(account=alice.account, as_of=AS_OF)
    _another_spike_day(campaign)

    detect_account_anomalies(account=alice.account, as_of=AS_OF + timedelta(days=1))

    alert = Alert.objects.get(kind=AlertKind.ANOMALY_SPEND)
    assert alert.data["day"] == str(AS_OF)  # the latest day of the break
    assert str(AS_OF) in alert.title


def test_an_acknowledged_break_that_goes_on_opens_a_new_alert(alice):
    campaign = make_campaign(alice.account, name="Runaway")
    _history(campaign, spike_spend=30000.0)
    detect_account_anomalies(account=alice.account, as_of=AS_OF)
    Alert.objects.update(acknowledged_at=timezone.now())
    _another_spike_day(campaign)

    detect_account_anomalies(account=alice.account, as_of=AS_OF + timedelta(days=1))

    assert Alert.objects.filter(kind=AlertKind.ANOMALY_SPEND).count() == 2
    assert Alert.objects.filter(acknowledged_at__isnull=True).count() == 1
