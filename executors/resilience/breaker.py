"""A circuit breaker per platform account, shared by every worker through the database.

The engine (states, the half-open probe, its lease, the doubling wait) is
campaigns.circuit_breaker, which also serves the AI providers' breakers; this module
names the account's row (executors.models.CircuitBreaker) and the platform settings:
BREAKER_FAILURE_THRESHOLD, BREAKER_OPEN_SECONDS, BREAKER_MAX_OPEN_SECONDS, and a probe
lease of four PLATFORM_TIMEOUT_S (a probe is one platform call with its retries).

Call these outside a transaction: inside one, the change is invisible to
other workers until it commits and is lost if it rolls back.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.circuit_breaker import Breaker, BreakerPolicy, Decision
from campaigns.models import AdAccount
from executors.clients.errors import shown_text
from executors.models import CircuitBreaker

logger = logging.getLogger("spectra.resilience")

__all__ = [
    "Decision",
    "breaker_allow",
    "breaker_of",
    "breaker_record_failure",
    "breaker_record_success",
    "breaker_release_probe",
    "breaker_reset",
]


def breaker_of(account: AdAccount) -> Breaker:
    """`account`'s breaker: its CircuitBreaker row under the platform settings."""
    return Breaker(
        model=CircuitBreaker,
        key={"account_id": account.pk},
        policy=BreakerPolicy(
            failure_threshold=settings.BREAKER_FAILURE_THRESHOLD,
            open_seconds=settings.BREAKER_OPEN_SECONDS,
            max_open_seconds=settings.BREAKER_MAX_OPEN_SECONDS,
            probe_lease=timedelta(seconds=settings.PLATFORM_TIMEOUT_S * 4),
        ),
        name=str(account),
    )


def breaker_allow(account: AdAccount, *, now: datetime | None = None) -> Decision:
    """May a call to `account`'s platform go out now? (see Breaker.allow)"""
    return breaker_of(account).allow(now or timezone.now())


def breaker_release_probe(account: AdAccount, *, now: datetime | None = None) -> None:
    """A probe that tested nothing hands its turn back at once (see Breaker.release_probe)."""
    breaker_of(account).release_probe(now or timezone.now())


def breaker_record_success(account: AdAccount, *, now: datetime | None = None) -> None:
    """A call succeeded: a half-open breaker closes, a closed one forgets its failures."""
    breaker_of(account).record_success(now or timezone.now())


def breaker_record_failure(account: AdAccount, error: str, *, now: datetime | None = None) -> None:
    """A call failed in a way that says the platform is unavailable; count it.

    The Nth consecutive failure (BREAKER_FAILURE_THRESHOLD) opens the breaker for
    BREAKER_OPEN_SECONDS; a failed probe reopens it for twice as long as last time
    (up to BREAKER_MAX_OPEN_SECONDS).
    """
    # Shown in the admin: bounded and redacted.
    breaker_of(account).record_failure(shown_text(error), now or timezone.now())


def breaker_reset(*, account: AdAccount, actor, now: datetime | None = None) -> None:
    """Close `account`'s breaker by hand (organization admins), e.g. after a fixed outage.

    The next call goes straight to the platform; if it is still down, the
    breaker opens again after BREAKER_FAILURE_THRESHOLD failures.
    """
    authorize(actor, "campaigns.change_adaccount", account)
    now = now or timezone.now()
    breaker_of(account).close(now, reset_by=actor, reset_at=now)
    logger.info("Circuit breaker for account %s reset by %s.", account.pk, actor)
