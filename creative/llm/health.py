"""A provider's breaker and request window, shared by every worker through one row.

The breaker is the platforms' engine (campaigns.circuit_breaker: closed → open → one
half-open probe with a lease → closed, or open again for twice as long) on the
endpoint's ProviderHealth row, with the AI settings: LLM_BREAKER_FAILURES consecutive
retryable failures open it for LLM_BREAKER_OPEN_SECONDS, doubling per failed probe up to
LLM_BREAKER_MAX_OPEN_SECONDS. Only retryable failures (timeouts, 429, 5xx, dropped
connections) count: a refused key or a bad request says nothing about the provider's health.

The window is a fixed one-minute count: `requests_per_minute` calls per endpoint, in
the same row, by the platforms' rate-limit counter (campaigns.window_count): a
conditional UPDATE that can never admit more. Unlike the platforms' per-second limit it
stays in the database even where Redis is configured: it costs one UPDATE per model call,
which itself takes seconds, and the row every worker shares is already there.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.circuit_breaker import Breaker, BreakerPolicy
from campaigns.window_count import RowWindow
from creative.models import ProviderHealth


def _breaker(scope: str) -> Breaker:
    return Breaker(
        model=ProviderHealth,
        key={"scope": scope},
        policy=BreakerPolicy(
            failure_threshold=settings.LLM_BREAKER_FAILURES,
            open_seconds=settings.LLM_BREAKER_OPEN_SECONDS,
            max_open_seconds=settings.LLM_BREAKER_MAX_OPEN_SECONDS,
            # A probe is one attempt of one call; an open period's length covers it
            # (the default call timeout is 60 s), as it did before the engine was shared.
            probe_lease=timedelta(seconds=settings.LLM_BREAKER_OPEN_SECONDS),
        ),
        name=f"AI endpoint {scope}",
        service="provider",
    )


def admit(scope: str, now: datetime) -> datetime | None:
    """None if a call may go now (closed, or this caller won the probe); else when to
    ask again."""
    decision = _breaker(scope).allow(now)
    return None if decision.allowed else decision.retry_at


def take_request(scope: str, limit: int, now: datetime) -> bool:
    """Count one request in this minute's window if it fits; say whether it did."""
    minute = int(now.timestamp() // 60)
    return RowWindow(ProviderHealth, {"scope": scope}, count="window_requests").take(
        minute, 1, limit
    )


def next_window(now: datetime) -> datetime:
    return datetime.fromtimestamp((int(now.timestamp() // 60) + 1) * 60, tz=now.tzinfo)


def record_success(scope: str) -> None:
    """A call answered: a probe closes the breaker, a closed one forgets its failures."""
    _breaker(scope).record_success(timezone.now())


def record_failure(scope: str, error: str, now: datetime) -> None:
    """One more retryable failure; at the threshold the breaker opens (a failed probe:
    again, for longer)."""
    _breaker(scope).record_failure(error[:300], now)


def now() -> datetime:
    return timezone.now()
