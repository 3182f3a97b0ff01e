"""Resilience shared by every platform client and every worker.

- breaker: a circuit breaker per platform account, in the database.
- ratelimit: operations per second per account, counted in the cache (or the database);
  PacedCapacity spreads a long stream of writes evenly within it.
- quota: operations per account-local day, counted and enforced.

Retries with full-jitter backoff live with the HTTP call (executors.clients.http).
"""

from executors.resilience.breaker import (
    Decision,
    breaker_allow,
    breaker_record_failure,
    breaker_record_success,
    breaker_release_probe,
    breaker_reset,
)
from executors.resilience.quota import (
    QuotaExhausted,
    daily_operations_limit,
    quota_record,
    quota_remaining,
    quota_reserve,
    quota_used,
)
from executors.resilience.ratelimit import PacedCapacity, acquire

__all__ = [
    "Decision",
    "PacedCapacity",
    "QuotaExhausted",
    "acquire",
    "breaker_allow",
    "breaker_record_failure",
    "breaker_record_success",
    "breaker_release_probe",
    "breaker_reset",
    "daily_operations_limit",
    "quota_record",
    "quota_remaining",
    "quota_reserve",
    "quota_used",
]
