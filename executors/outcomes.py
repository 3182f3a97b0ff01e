"""What a failed write tells us: refused (and whether for now or for good), or unknown.

Only an answer that proves the platform refused the write is a refusal:
- a 4xx other than 429 (validation, not found, permission): refused for good, a retry
  cannot fix it → FAILED;
- 429 and Google's RESOURCE_TEMPORARILY_EXHAUSTED (also a 429): refused for now →
  retried, then left APPROVED with a not-before time.
Everything else says nothing about whether the write landed: a timeout, a reset, a cut-off
body, and every 5xx. A 502 or 504 comes from a gateway that may have passed the write on;
a 500 may follow a commit; neither Adobe nor Google documents a 503 as "not applied"
(Google's INTERNAL_ERROR and TRANSIENT_ERROR only say to retry). Those are unknown
outcomes: read the value back, or resend with the same idempotency key (Adobe) — never
FAILED on a guess.
"""

from datetime import datetime, timedelta

from executors.clients.errors import MalformedResponse, OutcomeUnknown, PlatformError

# How long a change refused for now waits before it is tried again, at least.
WAIT = timedelta(minutes=1)


def may_have_landed(exc: PlatformError) -> bool:
    """Whether a write that raised `exc` may nonetheless have been applied."""
    if isinstance(exc, OutcomeUnknown | MalformedResponse):
        return True
    if exc.status is None:  # no answer at all: timeout, reset, dropped connection
        return exc.retryable
    return exc.status >= 500


def refused_for_now(exc: PlatformError) -> bool:
    """Refused, and a later try can succeed (throttled: 429 / RESOURCE_TEMPORARILY_EXHAUSTED)."""
    return exc.status == 429 and not may_have_landed(exc)


def not_before(now: datetime, asked_seconds: float | None = None) -> datetime:
    """When a held-back change may be tried again: what the platform asked for (its
    Retry-After, in seconds), but never sooner than our own WAIT."""
    return now + max(WAIT, timedelta(seconds=asked_seconds or 0))
