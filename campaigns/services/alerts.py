"""Raising alerts: one open alert per condition, updated rather than repeated."""

from django.db import IntegrityError, transaction

from campaigns.models import Alert


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
            return Alert.objects.create(
                organization_id=organization_id, dedup_key=dedup_key, **values
            ), True
    except IntegrityError:
        existing = Alert.objects.get(
            organization_id=organization_id, dedup_key=dedup_key, acknowledged_at__isnull=True
        )
        return existing, False
