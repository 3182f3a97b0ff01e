"""The one circuit breaker engine, shared by every worker through a database row.

It serves any row with the breaker's fields (campaigns.models.BreakerFields): a
platform account's (executors.resilience.breaker) and an AI provider endpoint's
(creative.llm.health) are thin adapters that name their row and settings.

closed ──N consecutive failures──▶ open ──retry_at passed, one caller──▶ half-open
half-open ──probe succeeds──▶ closed        half-open ──probe fails──▶ open, wait doubled

Every state change is one conditional UPDATE that names the state it
expects (and, where a value is computed from the row, that value too); a
caller whose UPDATE matched no row lost a race, reads the row again and
decides anew. That is portable (SQLite and PostgreSQL), needs no lock
held across a round trip, and is why exactly one of many concurrent
callers gets the half-open probe.

The caller decides what counts as a failure: only retryable, availability
errors (timeouts, 429, 5xx). A refused request (400) or refused credentials
say nothing about the service's health.

Call these outside a transaction: inside one, the change is invisible to
other workers until it commits and is lost if it rolls back.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Value, When
from django.db.models.fields import DateTimeField

from campaigns.models import BreakerState

logger = logging.getLogger("spectra.resilience")

S = BreakerState
# A caller refused while a probe is out checks back this soon (or when the
# probe's lease ends, if sooner): a probe usually answers in well under that.
PROBE_POLL_SECONDS = 5
# The most attempts to apply one outcome when other workers keep winning races.
_MAX_RACES = 20
_FIELDS = (
    "id",
    "state",
    "consecutive_failures",
    "failed_probes",
    "retry_at",
    "half_open_probe_until",
)
# What a breaker forgets when it closes (by a probe's success or by hand).
CLOSED = {
    "state": S.CLOSED,
    "consecutive_failures": 0,
    "failed_probes": 0,
    "opened_at": None,
    "retry_at": None,
    "half_open_probe_until": None,
}


@dataclass(frozen=True)
class Decision:
    """Whether a call may go out now.

    `probe` is true for the one caller that tests a recovering service: it
    must report the outcome (`record_success` / `record_failure`).
    """

    allowed: bool
    retry_at: datetime | None = None
    reason: str = ""
    probe: bool = False


@dataclass(frozen=True)
class BreakerPolicy:
    """When a breaker opens and for how long (each adapter reads its own settings)."""

    failure_threshold: int
    open_seconds: int
    max_open_seconds: int
    probe_lease: timedelta

    def open_for(self, failed_probes: int) -> int:
        """Seconds the breaker stays open after `failed_probes` failed probes."""
        return min(
            self.open_seconds * 2**failed_probes,
            max(self.max_open_seconds, self.open_seconds),
        )


@dataclass(frozen=True)
class Breaker:
    """One breaker: the model holding its row, the lookup (and creation) key of the
    row, its policy, and how it is named to people ("Acme (Google Ads)'s platform")."""

    model: type[models.Model]
    key: dict
    policy: BreakerPolicy
    name: str
    service: str = "platform"

    @property
    def rows(self) -> models.QuerySet:
        return self.model.objects.filter(**self.key)

    def row(self) -> dict | None:
        """The fields the engine decides on, as one read; None: no row (closed)."""
        return self.rows.values(*_FIELDS).first()

    def _row_or_create(self) -> dict:
        row = self.row()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                self.model.objects.create(**self.key)
        except IntegrityError:
            pass  # another worker created it first
        return self.row()

    def allow(self, now: datetime) -> Decision:
        """May a call go out now?

        Closed: yes. Open before `retry_at`: no, come back at `retry_at`. Open
        after it: exactly one caller gets a probe (`Decision.probe`), the others
        are refused until the probe reports. A probe that never reports (its
        worker died) is handed to another caller once its lease runs out.
        """
        lease = self.policy.probe_lease
        for _ in range(_MAX_RACES):
            row = self.row()
            if row is None or row["state"] == S.CLOSED:
                return Decision(allowed=True)
            breaker = self.model.objects.filter(pk=row["id"])
            if row["state"] == S.OPEN:
                if row["retry_at"] is not None and now < row["retry_at"]:
                    return Decision(
                        allowed=False,
                        retry_at=row["retry_at"],
                        reason=f"The circuit breaker for {self.name} is open after repeated "
                        f"{self.service} failures; it lets one call through at "
                        f"{row['retry_at']:%H:%M:%S} UTC.",
                    )
                claimed = breaker.filter(state=S.OPEN, retry_at=row["retry_at"]).update(
                    state=S.HALF_OPEN, half_open_probe_until=now + lease, updated_at=now
                )
            else:  # half-open
                probe_until = row["half_open_probe_until"]
                if probe_until is not None and now < probe_until:
                    return Decision(
                        allowed=False,
                        retry_at=min(probe_until, now + timedelta(seconds=PROBE_POLL_SECONDS)),
                        reason=f"One call is testing whether {self.name}'s {self.service} "
                        f"has recovered; others wait for its outcome.",
                    )
                claimed = breaker.filter(
                    state=S.HALF_OPEN, half_open_probe_until=probe_until
                ).update(half_open_probe_until=now + lease, updated_at=now)
            if claimed:
                return Decision(
                    allowed=True,
                    probe=True,
                    reason=f"Probe: this call tests whether {self.name}'s {self.service} "
                    f"has recovered.",
                )
        raise RuntimeError(f"The breaker of {self.name} kept changing under {_MAX_RACES} attempts.")

    def release_probe(self, now: datetime) -> None:
        """A probe that ended without testing the service (rate limit, quota, a refusal
        of our own) hands its turn back at once instead of holding it for its lease —
        otherwise every other caller waits out the lease, round after round."""
        self.rows.filter(state=S.HALF_OPEN, half_open_probe_until__gt=now).update(
            half_open_probe_until=None, updated_at=now
        )

    def record_success(self, now: datetime) -> None:
        """A call succeeded: a half-open breaker closes, a closed one forgets its failures.

        A success reported while the breaker is open (a call that left before it
        opened) changes nothing: only the probe decides when it closes.
        """
        row = self.rows.values("state", "consecutive_failures").first()
        if row is None or (row["state"] == S.CLOSED and row["consecutive_failures"] == 0):
            return  # the common case costs one read and no write
        closed = self.rows.filter(state__in=[S.CLOSED, S.HALF_OPEN]).update(
            **CLOSED, updated_at=now
        )
        if closed and row["state"] == S.HALF_OPEN:
            logger.info("Circuit breaker for %s closed: the probe succeeded.", self.name)

    def record_failure(self, error: str, now: datetime) -> None:
        """A call failed in a way that says the service is unavailable; count it.

        `error` is stored as given (shown in the admin): the adapter bounds and
        redacts it. Closed: the Nth consecutive failure opens the breaker for
        `open_seconds`. Half-open: the probe failed, so it opens again for twice as
        long as last time (up to `max_open_seconds`). Open: only counted.
        """
        threshold = self.policy.failure_threshold
        for _ in range(_MAX_RACES):
            row = self._row_or_create()
            breaker = self.model.objects.filter(pk=row["id"], state=row["state"])
            common = {
                "consecutive_failures": F("consecutive_failures") + 1,
                "last_error": error,
                "updated_at": now,
            }
            if row["state"] == S.CLOSED:
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
                            then=Value(now + timedelta(seconds=self.policy.open_for(0))),
                        ),
                        default=F("retry_at"),
                        output_field=DateTimeField(),
                    ),
                    **common,
                )
                if changed and row["consecutive_failures"] + 1 >= threshold:
                    logger.warning(
                        "Circuit breaker for %s opened after %s consecutive failures: %s",
                        self.name,
                        threshold,
                        error,
                    )
            elif row["state"] == S.HALF_OPEN:
                failed = row["failed_probes"] + 1
                changed = breaker.filter(failed_probes=row["failed_probes"]).update(
                    state=S.OPEN,
                    failed_probes=failed,
                    opened_at=now,
                    retry_at=now + timedelta(seconds=self.policy.open_for(failed)),
                    half_open_probe_until=None,
                    **common,
                )
                if changed:
                    logger.warning(
                        "Circuit breaker for %s: the probe failed; open for %s s.",
                        self.name,
                        self.policy.open_for(failed),
                    )
            else:
                changed = breaker.update(**common)
            if changed:
                return
        raise RuntimeError(f"The breaker of {self.name} kept changing under {_MAX_RACES} attempts.")

    def close(self, now: datetime, **recorded) -> None:
        """Close the breaker whatever its state (a reset by hand); `recorded` are extra
        fields of the row to set with it (who reset it, when)."""
        self.rows.update(**CLOSED, updated_at=now, **recorded)
