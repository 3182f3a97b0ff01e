"""When no qcluster ticks, scheduled jobs fall behind: the watchdog (run from cron or the
compose file, outside the queue it watches) alerts the operators once, and clears the
alert when the jobs are on time again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Alert, AlertKind
from spectra.schedules import install_schedules

pytestmark = pytest.mark.django_db


def _watchdog() -> str:
    out = StringIO()
    call_command("watchdog", stdout=out)
    return out.getvalue()


def _open():
    return Alert.objects.filter(kind=AlertKind.SCHEDULE_STOPPED, acknowledged_at__isnull=True)


def test_jobs_on_time_raise_nothing():
    install_schedules()

    assert _watchdog() == "Every scheduled job is on time.\n"
    assert not _open().exists()


def test_late_jobs_alert_the_operators_once_then_clear(alice):
    install_schedules()
    late = timezone.now() - timedelta(minutes=settings.SPECTRA_SCHEDULE_LATE_MINUTES + 5)
    Schedule.objects.filter(name="sync all accounts").update(next_run=late)
    Schedule.objects.filter(name="enforce spend limits").update(next_run=late)

    first, second = _watchdog(), _watchdog()

    assert first.startswith("2 job(s) late:") and "enforce spend limits" in first
    [alert] = _open()
    assert alert.organization.slug == settings.SPECTRA_OPERATORS_ORG
    assert alert.severity == "critical"
    assert "No qcluster is ticking" in alert.message and "sync all accounts" in alert.message
    assert alert.organization != alice.org
    assert second.startswith("2 job(s) late:")  # refreshed, not repeated

    Schedule.objects.update(next_run=timezone.now() + timedelta(minutes=1))
    _watchdog()

    assert not _open().exists()
    assert "Cleared: every scheduled job was on time" in Alert.objects.get(pk=alert.pk).message


def test_a_job_just_due_is_not_late():
    install_schedules()
    Schedule.objects.update(next_run=timezone.now() - timedelta(minutes=1))

    assert "on time" in _watchdog()
