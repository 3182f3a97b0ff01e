"""The failures a real model provider has, on request, reproducibly.

A test sets `next` (faults for the next requests, in order) and/or `mix` (a rate per
kind, drawn per request from a hash of the fault seed and the request's number), as
the platform sandbox does: the same configuration and request order give the same
faults.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, deque

TRANSPORT = (
    "timeout",  # answers slowSeconds late (past a client's timeout), nothing else wrong
    "429",  # rate limited, with Retry-After: retryAfterSeconds
    "500",
    "503",
    "502",  # a gateway's HTML page
    "401",  # the key is refused (as an expired or revoked key is)
)
CONTENT = (
    "refusal",  # message.refusal set, content null
    "invalid_json",  # the JSON cut in half
    "missing_fields",  # a required property left out
    "wrong_types",  # a number where a string belongs and the other way round
    "too_long",  # strings far past the schema's maxLength
    "unsafe",  # copy that breaks brand rules (superlatives, a competitor, CAPS); an image
    # judge's "unsafe" verdict
    "injection_echo",  # obeys an instruction injected into the brief and echoes it
    "length",  # finish_reason "length": the answer stops mid-way
    "empty",  # 200 with no choices (or no images), usage still reported
)
FAULT_KINDS = TRANSPORT + CONTENT
DEFAULTS = {
    "next": [],
    "mix": {},
    "seed": 0,
    "slowSeconds": 5.0,
    "retryAfterSeconds": 1,
    "latencyMs": 0.0,
    "competitors": ["Acme Ads", "AdCorp"],
    "apiKey": "sk-sandbox",
    # False plays a provider whose model takes no images (a 400 on an image part).
    "vision": True,
}


class FaultError(ValueError):
    """A fault configuration the sandbox cannot take; answered with a 400."""


class Faults:
    """The configuration, the per-request draw and the counters; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.config = {
            **DEFAULTS,
            "next": [],
            "mix": {},
            "competitors": list(DEFAULTS["competitors"]),
        }
        self._next: deque[str] = deque()
        self.requests = 0
        self.injected: Counter = Counter()

    def configure(self, payload: object) -> dict:
        if not isinstance(payload, dict):
            raise FaultError("The fault configuration must be a JSON object.")
        unknown = sorted(set(payload) - set(DEFAULTS))
        if unknown:
            raise FaultError(f"Unknown fault option(s): {', '.join(unknown)}.")
        nxt = payload.get("next", self.config["next"] if "next" not in payload else [])
        mix = payload.get("mix", self.config["mix"])
        for kind in [*nxt, *mix]:
            if kind not in FAULT_KINDS and kind != "ok":
                raise FaultError(f"Unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}.")
        if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in mix.values()):
            raise FaultError("Each mix rate must be a number from 0 to 1.")
        if sum(mix.values()) > 1:
            raise FaultError("The mix rates add up to more than 1.")
        with self._lock:
            self.config = {**self.config, **payload, "next": list(nxt), "mix": dict(mix)}
            self._next = deque(nxt)
            self.requests = 0
            self.injected = Counter()
            return dict(self.config)

    def draw(self) -> str | None:
        """The fault for this request (None: answer well), counted."""
        with self._lock:
            n = self.requests
            self.requests += 1
            kind = self._next.popleft() if self._next else self._from_mix(n)
            if kind and kind != "ok":
                self.injected[kind] += 1
                return kind
            return None

    def _from_mix(self, n: int) -> str | None:
        mix = self.config["mix"]
        if not mix:
            return None
        raw = hashlib.blake2b(f"{self.config['seed']}:{n}".encode(), digest_size=8).digest()
        u = int.from_bytes(raw, "big") / 2**64
        for kind in sorted(mix):
            u -= mix[kind]
            if u < 0:
                return kind
        return None

    def snapshot(self) -> dict:
        with self._lock:
            return {**self.config, "requests": self.requests, "injected": dict(self.injected)}
