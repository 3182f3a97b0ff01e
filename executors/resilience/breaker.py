"""A circuit breaker per platform account, shared by every worker through the database.

closed ──N consecutive failures──▶ open ──retry_at passed, one caller──▶ half-open
half-open ──probe succeeds──▶ closed        half-open ──probe fails──▶ open, wait doubled

Every state change is one conditional UPDATE that names the state it
expects (and, where a value is computed from the row, that value too); a
caller whose UPDATE matched no row lost a race, reads the row again and
decides anew. That is portable (SQLite and PostgreSQL), needs no lock
held across a round trip, and is why exactly one of many concurrent
callers gets the half-open probe.

The caller decides what counts as a failure: only retryable, platform-
availability errors (timeouts, 429, 5xx). A refused request (400) or
refused credentials say nothing about the platform's health.

Call these outside a transaction: inside one, the change is invisible to
other workers until it commits and is lost if it rolls back.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.db.models.fields import DateTimeField
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.models import AdAccount
from executors.clients.errors import shown_text
from executors.models import BreakerState, CircuitBreaker

logger = logging.getLogger("spectra.resilience")

S = BreakerState
# A caller refused while a probe is out checks back this soon (or when the
# probe's lease ends, if sooner): a probe usually answers in well under that.
PROBE_POLL_SECONDS = 5
# The most attempts to apply one outcome when other workers keep winning races.
_MAX_RACES = 20


@dataclass(frozen=True)
class Decision:
    """Whether a call to the platform may go out now.

    `probe` is true for the one caller that tests a recovering platform: it
    must report the outcome (`breaker_record_success` / `_failure`).
    """

    allowed: bool
    retry_at: datetime | None = None
    reason: str = ""
    probe: bool = False


def open_seconds(failed_probes: int) -> int:
    """How long the breaker stays open after `failed_probes` failed probes."""
    return min(
        settings.BREAKER_OPEN_SECONDS * 2**failed_probes,
        max(settings.BREAKER_MAX_OPEN_SECONDS, settings.BREAKER_OPEN_SECONDS),
    )


def probe_lease() -> timedelta:
    """How long a half-open probe may take before its worker is presumed dead.

    A probe is one platform call with its retries; four call timeouts cover it.
    """
    return timedelta(seconds=settings.PLATFORM_TIMEOUT_S * 4)


def _row(account: AdAccount) -> dict | None:
    return (
        CircuitBreaker.objects.filter(account_id=account.pk)
        .values(
            "id",
            "state",
            "consecutive_failures",
            "failed_probes",
            "retry_at",
            "half_open_probe_until",
        )
        .first()
    )


def _row_or_create(account: AdAccount) -> dict:
    row = _row(account)
    if row is not None:
        return row
    try:
        with transaction.atomic():
            CircuitBreaker.objects.create(account_id=account.pk)
    except IntegrityError:
        pass  # another worker created it first
    return _row(account)


def breaker_allow(account: AdAccount, *, now: datetime | None = None) -> Decision:
    """May a call to `account`'s platform go out now?

    Closed: yes. Open before `retry_at`: no, come back at `retry_at`. Open
    after it: exactly one caller gets a probe (`Decision.probe`), the others
    are refused until the probe reports. A probe that never reports (its
    worker died) is handed to another caller once its lease runs out.
    """
    now = now or timezone.now()
    for _ in range(_MAX_RACES):
        row = _row(account)
        if row is None or row["state"] == S.CLOSED:
            return Decision(allowed=True)
        breaker = CircuitBreaker.objects.filter(pk=row["id"])
        if row["state"] == S.OPEN:
            if row["retry_at"] is not None and now < row["retry_at"]:
                return Decision(
                    allowed=False,
                    retry_at=row["retry_at"],
                    reason=f"The circuit breaker for {account} is open after repeated "
                    f"platform failures; it lets one call through at "
                    f"{row['retry_at']:%H:%M:%S} UTC.",
                )
            claimed = breaker.filter(state=S.OPEN, retry_at=row["retry_at"]).update(
                state=S.HALF_OPEN, half_open_probe_until=now + probe_lease(), updated_at=now
            )
        else:  # half-open
            probe_until = row["half_open_probe_until"]
            if probe_until is not None and now < probe_until:
                return Decision(
                    allowed=False,
                    retry_at=min(probe_until, now + timedelta(seconds=PROBE_POLL_SECONDS)),
                    reason=f"One call is testing whether {account}'s platform has "
                    f"recovered; others wait for its outcome.",
                )
            claimed = breaker.filter(state=S.HALF_OPEN, half_open_probe_until=probe_until).update(
                half_open_probe_until=now + probe_lease(), updated_at=now
            )
        if claimed:
            return Decision(
                allowed=True,
                probe=True,
                reason=f"Probe: this call tests whether {account}'s platform has recovered.",
            )
    raise RuntimeError(f"The breaker of {account} kept changing under {_MAX_RACES} attempts.")


def breaker_release_probe(account: AdAccount, *, now: datetime | None = None) -> None:
    """A probe that ended without testing the platform (rate limit, quota, a refusal
    of our own) hands its turn back at once instead of holding it for its lease —
    otherwise every other caller waits out the lease, round after round."""
    now = now or timezone.now()
    CircuitBreaker.objects.filter(
        account_id=account.pk, state=S.HALF_OPEN, half_open_probe_until__gt=now
    ).update(half_open_probe_until=None, updated_at=now)


def breaker_record_success(account: AdAccount, *, now: datetime | None = None) -> None:
    """A call succeeded: a half-open breaker closes, a closed one forgets its failures.

    A success reported while the breaker is open (a call that left before it
    opened) changes nothing: only the probe decides when it closes.
    """
    now = now or timezone.now()
    row = (
        CircuitBreaker.objects.filter(account_id=account.pk)
        .values("state", "consecutive_failures")
        .first()
    )
    if row is None or (row["state"] == S.CLOSED and row["consecutive_failures"] == 0):
        return  # the common case costs one read and no write
    closed = CircuitBreaker.objects.filter(
        account_id=account.pk, state__in=[S.CLOSED, S.HALF_OPEN]
    ).update(
        state=S.CLOSED,
        consecutive_failures=0,
        failed_probes=0,
        opened_at=None,
        retry_at=None,
        half_open_probe_until=None,
        updated_at=now,
    )
    if closed and row["state"] == S.HALF_OPEN:
        logger.info("Circuit breaker for account %s closed: the probe succeeded.", account.pk)


def breaker_record_failure(account: AdAccount, error: str, *, now: datetime | None = None) -> None:
    """A call failed in a way that says the platform is unavailable; count it.

    Closed: the Nth consecutive failure (BREAKER_FAILURE_THRESHOLD) opens the
    breaker for BREAKER_OPEN_SECONDS. Half-open: the probe failed, so it
    opens again for twice as long as last time (up to BREAKER_MAX_OPEN_SECONDS).
    Open: only counted.
    """
    now = now or timezone.now()
    error = shown_text(error)  # shown in the admin: bounded and redacted
    for _ in range(_MAX_RACES):
        row = _row_or_create(account)
        breaker = CircuitBreaker.objects.filter(pk=row["id"], state=row["state"])
        common = {
            "consecutive_failures": F("consecutive_failures") + 1,
            "last_error": error,
            "updated_at": now,
        }
        if row["state"] == S.CLOSED:
            threshold = settings.BREAKER_FAILURE_THRESHOLD
            opens = When(consecutive_failures__gte=threshold - 1, then=Value(now))
            # One statement: the count and, on reaching the threshold, the opening
            # are decided on the same row version, so no failure is lost to a race.
            changed = breaker.update(
                state=Case(
                    When(consecutive_failures__gte=threshold - 1, then=Value(S.OPEN)),
                    default=Value(S.CLOSED),
                ),
                opened_at=Case(opens, default=F("opened_at"), output_field=DateTimeField()),
                retry_at=Case(
                    When(
                        consecutive_failures__gte=threshold - 1,
                        then=Value(now + timedelta(seconds=open_seconds(0))),
                    ),
                    default=F("retry_at"),
                    output_field=DateTimeField(),
                ),
                **common,
            )
            if changed and row["consecutive_failures"] + 1 >= threshold:
                logger.warning(
                    "Circuit breaker for account %s opened after %s consecutive failures: %s",
                    account.pk,
                    threshold,
                    error,
                )
        elif row["state"] == S.HALF_OPEN:
            failed = row["failed_probes"] + 1
            changed = breaker.filter(failed_probes=row["failed_probes"]).update(
                state=S.OPEN,
                failed_probes=failed,
                opened_at=now,
                retry_at=now + timedelta(seconds=open_seconds(failed)),
                half_open_probe_until=None,
                **common,
            )
            if changed:
                logger.warning(
                    "Circuit breaker for account %s: the probe failed; open for %s s.",
                    account.pk,
                    open_seconds(failed),
                )
        else:
            changed = breaker.update(**common)
        if changed:
            return
    raise RuntimeError(f"The breaker of {account} kept changing under {_MAX_RACES} attempts.")


def breaker_reset(*, account: AdAccount, actor, now: datetime | None = None) -> None:
    """Close `account`'s breaker by hand (organization admins), e.g. after a fixed outage.

    The next call goes straight to the platform; if it is still down, the
    breaker opens again after BREAKER_FAILURE_THRESHOLD failures.
    """
    authorize(actor, "campaigns.change_adaccount", account)
    now = now or timezone.now()
    CircuitBreaker.objects.filter(account_id=account.pk).update(
        state=S.CLOSED,
        consecutive_failures=0,
        failed_probes=0,
        opened_at=None,
        retry_at=None,
        half_open_probe_until=None,
        reset_by=actor,
        reset_at=now,
        updated_at=now,
    )
    logger.info("Circuit breaker for account %s reset by %s.", account.pk, actor)
