"""Raising alerts: one open alert per condition, updated rather than repeated."""

from django.db import IntegrityError, transaction
from django_q.tasks import async_task

from campaigns.models import Alert


def _notify_after_commit(alert: Alert) -> None:
    """Queue the e-mail/webhook for a new alert once it is committed.

    A task, not a call: a slow webhook must never hold up the sync or the
    execution that raised the alert. `robust`: a broker that is down is
    logged; it does not turn a committed alert into an error for the raiser.
    """

    def enqueue():
        async_task(
            "campaigns.tasks.alert_notify_task",
            alert.pk,
            task_name=f"notify alert {alert.pk}",
            group="notifications",
        )

    transaction.on_commit(enqueue, robust=True)


def alert_raise(
    *,
    organization_id: int,
    kind: str,
    severity: str,
    title: str,
    message: str,
    dedup_key: str = "",
    account=None,
    campaign=None,
    data: dict | None = None,
) -> tuple[Alert, bool]:
    """Open an alert, or refresh the open one with the same `dedup_key`; (alert, created).

    A new alert is announced (e-mail, webhook) by a task queued after commit.

    The partial unique constraint (one open alert per key) makes this safe when two
    workers raise the same condition at once: the loser updates the winner's row.
    """
    values = {
        "kind": kind,
        "severity": severity,
        "title": title[:255],
        "message": message,
        "data": data or {},
        "account": account,
        "campaign": campaign,
    }
    if dedup_key:
        existing = Alert.objects.filter(
            organization_id=organization_id, dedup_key=dedup_key, acknowledged_at__isnull=True
        ).first()
        if existing is not None:
            Alert.objects.filter(pk=existing.pk).update(**values)
            existing.refresh_from_db()
            return existing, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organization_id=organization_id, dedup_key=dedup_key, **values
            )
    except IntegrityError:
        existing = Alert.objects.get(
            organization_id=organization_id, dedup_key=dedup_key, acknowledged_at__isnull=True
        )
        return existing, False
    # Only a new alert is announced; refreshing an open one tells nobody again.
    _notify_after_commit(alert)
    return alert, True
