"""Deterministic fault injection, latency and write rate limiting for platform routes.

Whether the n-th platform request (counted since the fault configuration was last set)
fails, and how, is a hash of (fault seed, n): the same configuration and the same
request order give the same faults, so a flaky-network test is reproducible.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter, deque

from executors.sandbox.errors import bad_request

FAULT_KINDS = (
    # Answered before anything is applied.
    "500",
    "503",
    "429",
    "slow",  # waits slowSeconds, then handles the request as usual
    "drop",  # the connection closes once the request is read: nothing applied
    # Handled (a write IS applied), then the answer is lost or wrong, as real
    # gateways and platforms do it: the client cannot know whether the write landed.
    "reset",  # the connection is reset instead of the answer
    "malformed",  # 200 with the JSON cut in half
    "502",  # a gateway's 502 (an HTML page) instead of the answer
    "504",  # a gateway's 504 (its own JSON) instead of the answer
    "slowAfter",  # answered slowSeconds late (past a client's timeout)
)
# Kinds that strike after a write was applied: the client gets no usable answer.
APPLIED_UNANSWERED = ("reset", "malformed", "502", "504", "slowAfter")
# After the write was applied, what the client receives instead of its answer.
GATEWAY_PAGES = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
    504: b'{"error_code":"504050","message":"Gateway Timeout"}',
}
# Snake-case spellings accepted for the options that are also server options.
ALIASES = {"latency_ms": "latencyMs", "write_rate_limit": "writeRateLimit"}


def merge_faults(current: dict, payload: object) -> dict:
    """Apply a partial fault configuration to the current one; ApiError on bad values."""
    if not isinstance(payload, dict):
        raise bad_request("The fault configuration must be a JSON object.")
    payload = {ALIASES.get(key, key): value for key, value in payload.items()}
    allowed = set(current)
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise bad_request(f"Unknown fault option(s): {', '.join(unknown)}.")
    merged = {**current, **payload}

    def number(key: str, low: float, high: float, *, integer: bool = False) -> None:
        value = merged[key]
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        if valid and integer:
            valid = float(value).is_integer()
        if not valid or not math.isfinite(value) or not low <= value <= high:
            raise bad_request(f"{key} must be a number between {low} and {high}, got {value!r}.")

    number("rate", 0, 1)
    number("retryAfter", 0, 3600, integer=True)
    number("slowSeconds", 0, 600)
    number("seed", 0, 2**63, integer=True)
    number("latencyMs", 0, 600_000)
    number("staleReadSeconds", 0, 3600)
    if merged["writeRateLimit"] is not None:
        number("writeRateLimit", 0.001, 1e6)
    kinds = merged["kinds"]
    if not isinstance(kinds, list) or not kinds or any(k not in FAULT_KINDS for k in kinds):
        raise bad_request(f"kinds must be a non-empty list drawn from {list(FAULT_KINDS)}.")
    if not isinstance(merged.get("writesOnly", False), bool):
        raise bad_request("writesOnly must be true or false.")
    merged["retryAfter"] = int(merged["retryAfter"])
    merged["seed"] = int(merged["seed"])
    return merged


def after_handling(fault: str | None, config: dict, response):
    """The faults that strike once a request was handled (a write applied): a gateway
    error instead of the answer, or the answer held back past the client's timeout."""
    if fault in ("502", "504"):
        status = int(fault)
        response.status, response.payload, response.headers = status, None, []
        response.body = GATEWAY_PAGES[status]
    elif fault == "slowAfter":
        time.sleep(float(config["slowSeconds"]))
    return response


class FaultInjector:
    """Decides, per platform request, whether to misbehave."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._write_times: deque[float] = deque()
        # Tallies since the server started (not reset by a new configuration), so a
        # run that reconfigures faults between days can still report its whole mix.
        self._drawn = 0
        self._injected: Counter[str] = Counter()

    def tally(self) -> dict:
        """Platform requests seen (faults on or off) and the faults injected, by kind."""
        with self._lock:
            return {"requests": self._drawn, "injected": dict(sorted(self._injected.items()))}

    def count_applied_unanswered(self, fault: str | None, is_write: bool, status: int) -> None:
        """A write applied and then answered with an error, a reset or a late answer."""
        if is_write and fault in APPLIED_UNANSWERED and status == 200:
            with self._lock:
                self._injected["appliedUnanswered"] += 1

    def count_rate_limited(self) -> None:
        """A write refused by `writeRateLimit` (a 429 that is not a drawn fault)."""
        with self._lock:
            self._injected["rateLimited"] += 1

    def restart(self) -> None:
        """Start the fault sequence again (called when the configuration changes)."""
        with self._lock:
            self._count = 0
            self._write_times.clear()

    def draw(self, config: dict) -> str | None:
        """The fault for the next platform request, or None to serve it normally."""
        rate = config.get("rate") or 0.0
        with self._lock:
            self._drawn += 1
            if rate <= 0:
                return None
            self._count += 1
            count = self._count
        digest = hashlib.sha256(f"{config['seed']}:{count}".encode()).digest()
        chance = int.from_bytes(digest[:8], "big") / 2**64
        if chance >= rate:
            return None
        kinds = config["kinds"]
        kind = kinds[int.from_bytes(digest[8:16], "big") % len(kinds)]
        with self._lock:
            self._injected[kind] += 1
        return kind

    def allow_write(self, config: dict) -> bool:
        """Whether a write fits under `writeRateLimit` writes per (sliding) second."""
        limit = config.get("writeRateLimit")
        if not limit:
            return True
        now = time.monotonic()
        with self._lock:
            while self._write_times and self._write_times[0] <= now - 1.0:
                self._write_times.popleft()
            if len(self._write_times) >= limit:
                return False
            self._write_times.append(now)
            return True
