"""The gate: one object owns what may stop a send to an account's platform.

The kill switch (blocks: the change is refused, with the switch's reason), and the
circuit breaker, the rate limit and the daily quota (hold: the change stays
APPROVED with a not-before time — transient trouble never loses an approval).
It also owns the breaker's half-open probe: whoever asks first while the breaker
is half-open carries the probe, and the gate hands it back when nothing tested
the platform, or reports what the platform answered.
"""

from dataclasses import dataclass
from datetime import datetime

from campaigns.switches import writes_allowed
from executors.resilience import (
    PacedCapacity,
    QuotaExhausted,
    acquire,
    breaker_allow,
    breaker_record_failure,
    breaker_record_success,
    breaker_release_probe,
    quota_reserve,
)

RATE_WAIT_S = 10.0  # the longest a send waits for rate-limit capacity before it is held


@dataclass(frozen=True)
class Hold:
    """Why the changes wait, and until when (None: the pipeline's short default wait)."""

    reason: str
    until: datetime | None = None


class Gate:
    def __init__(self, account):
        self.account = account
        self.probe = False  # this gate carries the breaker's half-open probe

    def switched_off(self) -> str:
        """The kill switch's reason if writes of the account's organization are off."""
        switch = writes_allowed(self.account.organization_id)
        return "" if switch.enabled else switch.reason

    def admit(self, *, operations: int, mutate: bool, rate: int = 0) -> Hold | None:
        """May `operations` (counted against the day's quota; `rate` of them now against
        the rate limit) go to the platform? None if so, else why they must wait."""
        decision = breaker_allow(self.account)
        if not decision.allowed:
            return Hold(f"circuit breaker open: {decision.reason}", decision.retry_at)
        self.probe = self.probe or decision.probe
        if rate and not acquire(self.account, rate, timeout=RATE_WAIT_S):
            self.untested()
            return Hold("rate limit: no capacity within the wait; next round")
        try:
            quota_reserve(self.account, operations, mutate=mutate)
        except QuotaExhausted as exc:
            self.untested()
            return Hold(f"daily quota: {exc}", exc.resets_at)
        return None

    def capacity(self) -> PacedCapacity:
        """The rate limit for a stream of writes (charged for every attempt)."""
        return PacedCapacity(self.account)

    def answered(self) -> None:
        """The platform answered as a healthy one does: the breaker closes."""
        breaker_record_success(self.account)
        self.probe = False

    def troubled(self, error: str) -> None:
        """The platform failed as an unwell one does (5xx, 429, no answer)."""
        breaker_record_failure(self.account, error)
        self.probe = False

    def untested(self) -> None:
        """Nothing here tested the platform: a probe this gate carries goes back at once
        rather than making every other change wait out its lease."""
        if self.probe:
            breaker_release_probe(self.account)
            self.probe = False
