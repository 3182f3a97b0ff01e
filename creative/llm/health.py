"""A provider's breaker and request window, shared by every worker through one row.

closed ──LLM_BREAKER_FAILURES consecutive retryable failures──▶ open until T
open ──T passed──▶ half-open: one caller claims the probe (a conditional UPDATE moves T
a lease ahead, so the others stay refused); its success closes, its failure reopens,
and a probe whose worker died frees itself when the lease ends

The window is a fixed one-minute count: `requests_per_minute` calls per endpoint,
taken with a conditional UPDATE that can never admit more. Only retryable failures
(timeouts, 429, 5xx, dropped connections) count against the breaker: a refused key or a
bad request says nothing about the provider's health.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from creative.models import ProviderHealth


def _row(scope: str):
    rows = ProviderHealth.objects.filter(scope=scope)
    if not rows.exists():
        try:
            with transaction.atomic():
                ProviderHealth.objects.create(scope=scope)
        except IntegrityError:
            pass  # another worker made it
    return rows


def admit(scope: str, now: datetime) -> datetime | None:
    """None if a call may go now (closed, or this caller won the probe); else when to
    ask again."""
    rows = _row(scope)
    failures, until = rows.values_list("consecutive_failures", "open_until").first()
    if until is None or failures < settings.LLM_BREAKER_FAILURES:
        return None
    if until > now:
        return until
    lease = now + timedelta(seconds=settings.LLM_BREAKER_OPEN_SECONDS)
    if rows.filter(open_until=until).update(open_until=lease):
        return None  # the probe: its outcome closes or reopens the breaker
    return rows.values_list("open_until", flat=True).first() or lease


def take_request(scope: str, limit: int, now: datetime) -> bool:
    """Count one request in this minute's window if it fits; say whether it did."""
    minute = int(now.timestamp() // 60)
    rows = _row(scope)
    if rows.filter(window=minute, window_requests__lt=limit).update(
        window_requests=F("window_requests") + 1
    ):
        return True
    return bool(rows.filter(window__lt=minute).update(window=minute, window_requests=1))


def next_window(now: datetime) -> datetime:
    return datetime.fromtimestamp((int(now.timestamp() // 60) + 1) * 60, tz=now.tzinfo)


def record_success(scope: str) -> None:
    ProviderHealth.objects.filter(scope=scope).exclude(consecutive_failures=0).update(
        consecutive_failures=0, open_until=None
    )


def record_failure(scope: str, error: str, now: datetime) -> None:
    """One more retryable failure; at the threshold the breaker opens (again)."""
    rows = _row(scope)
    rows.update(consecutive_failures=F("consecutive_failures") + 1, last_error=error[:300])
    rows.filter(consecutive_failures__gte=settings.LLM_BREAKER_FAILURES).update(
        open_until=now + timedelta(seconds=settings.LLM_BREAKER_OPEN_SECONDS)
    )


def now() -> datetime:
    return timezone.now()
