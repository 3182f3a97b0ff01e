"""Is the scheduler ticking? The check a watchdog runs from outside the task queue.

django-q2's scheduler moves a repeating job's `next_run` forward each time it queues it,
so a job whose `next_run` is long past means nothing is ticking (every cluster is down,
or the scheduler in them is stuck). That cannot be noticed by a scheduled job — it
would not run — so `manage.py watchdog` runs it (cron, or the compose file's watchdog
service) and the readiness endpoint reports it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import AlertKind, Severity
from campaigns.services.alerts import alert_raise
from campaigns.services.job_alerts import job_cleared, operators_organization

DEDUP_KEY = "job:scheduler"


@dataclass(frozen=True)
class LateJob:
    name: str
    due: datetime
    minutes_late: int


def late_jobs(now: datetime | None = None) -> list[LateJob]:
    """Repeating jobs more than SPECTRA_SCHEDULE_LATE_MINUTES past their next run."""
    now = now or timezone.now()
    limit = timedelta(minutes=settings.SPECTRA_SCHEDULE_LATE_MINUTES)
    rows = (
        Schedule.objects.exclude(repeats=0)
        .filter(next_run__lt=now - limit)
        .order_by("next_run")
        .values_list("name", "next_run")
    )
    return [LateJob(name, due, int((now - due).total_seconds() // 60)) for name, due in rows]


def watch_schedules(now: datetime | None = None) -> list[LateJob]:
    """Alert the operators while jobs are late (one alert, refreshed); clear it when none
    are. Returns the late jobs."""
    now = now or timezone.now()
    late = late_jobs(now)
    operators = operators_organization()
    if not late:
        job_cleared(
            DEDUP_KEY,
            organization_id=operators.pk,
            why=f"Cleared: every scheduled job was on time at {now:%Y-%m-%d %H:%M} UTC.",
        )
        return late
    worst = late[0]
    alert_raise(
        organization_id=operators.pk,
        kind=AlertKind.SCHEDULE_STOPPED,
        severity=Severity.CRITICAL,
        title=f"The scheduler has not run “{worst.name}” for {worst.minutes_late} minutes",
        message=(
            f"{len(late)} scheduled job(s) are late: "
            + ", ".join(f"{j.name} (due {j.due:%H:%M} UTC)" for j in late)
            + ". No qcluster is ticking: syncs, spend-limit checks and approved changes "
            "wait. Start a worker (`manage.py qcluster`) and check its log."
        ),
        dedup_key=DEDUP_KEY,
        data={"late": [j.name for j in late]},
    )
    return late
