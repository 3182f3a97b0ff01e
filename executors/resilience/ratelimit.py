"""A client-side rate limit per platform account, shared by every worker.

A token bucket whose burst equals its rate, refilled once a second: in each
one-second window (Unix time, whole seconds) an account may send at most
PLATFORM_RATE_PER_SECOND operations. Counting per window needs one atomic
"add n if it still fits", and nothing else; no lock is held while waiting.
As with any fixed window, up to twice the rate can pass in the instant
around a window boundary; the default stays well below the platforms' own
limits for that reason. Windows come from each machine's clock, so keep the
clocks synchronised (NTP): a machine running behind simply waits a little.

Where the count lives depends on the cache:

- Redis or Memcached: a cache key per account and window, counted with
  `cache.incr`, which those backends do atomically (INCRBY). An increment
  that overshoots is given back at once with `cache.decr`.
- anything else, notably Django's DatabaseCache (the embedded default):
  its `incr` is a read followed by a write, so two workers can both read 49
  and both write 50 and the limit leaks (django-ratelimit documents the same
  limitation). There the count lives in one RateLimitWindow row per account,
  taken with a conditional UPDATE (`... WHERE operations <= limit - n`) that
  can never admit more than the limit, on SQLite and PostgreSQL alike
  (campaigns.window_count, which also counts the AI endpoints' request windows).
"""

import math
import random
import threading
import time
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache

from campaigns.models import AdAccount
from campaigns.window_count import RowWindow
from executors.models import RateLimitWindow

# Long enough to outlive its window on a machine whose clock is a little behind.
_KEY_SECONDS = 5
# Waiters wake spread over the start of the next window, not all at its first instant.
_WAKE_JITTER_SECONDS = 0.05


class WindowCounter(Protocol):
    def take(self, account_id: int, window: int, operations: int, limit: int) -> bool:
        """Count `operations` in `window` if the total stays within `limit`; say whether it did."""


class CacheWindowCounter:
    """Counts in a cache whose `incr` is atomic (Redis, Memcached)."""

    def __init__(self, cache: BaseCache):
        self.cache = cache

    def take(self, account_id: int, window: int, operations: int, limit: int) -> bool:
        key = f"spectra:ratelimit:{account_id}:{window}"
        self.cache.add(key, 0, timeout=_KEY_SECONDS)
        try:
            used = self.cache.incr(key, operations)
        except ValueError:  # evicted between add and incr: start it again
            if self.cache.add(key, operations, timeout=_KEY_SECONDS):
                return True
            used = self.cache.incr(key, operations)
        if used <= limit:
            return True
        self.cache.decr(key, operations)  # not sent, so not counted
        return False


class DatabaseWindowCounter:
    """Counts in one RateLimitWindow row per account, with conditional UPDATEs."""

    def take(self, account_id: int, window: int, operations: int, limit: int) -> bool:
        row = RowWindow(RateLimitWindow, {"account_id": account_id}, count="operations")
        return row.take(window, operations, limit)


def window_counter(alias: str = "default") -> WindowCounter:
    """Where the configured cache lets the rate limit count (see the module docstring)."""
    cache = caches[alias]
    if isinstance(cache, RedisCache | BaseMemcachedCache):
        return CacheWindowCounter(cache)
    return DatabaseWindowCounter()


def acquire(
    account: AdAccount,
    operations: int = 1,
    *,
    timeout: float,
    counter: WindowCounter | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Wait until `account` may send `operations` more operations; False after `timeout` s.

    Returns at once when the current window has room. Otherwise sleeps until
    the next window and tries again, and gives up (without sleeping past the
    deadline) when the next window begins after `timeout`. `timeout=0` only
    asks. `clock` and `sleep` are injectable for tests.
    """
    limit = settings.PLATFORM_RATE_PER_SECOND
    if operations < 1:
        raise ValueError(f"Ask for at least one operation, not {operations}.")
    if operations > limit:
        raise ValueError(
            f"{operations} operations can never fit: {account} may send at most {limit} "
            f"a second (PLATFORM_RATE_PER_SECOND). Split the batch, or count it as one call."
        )
    counter = counter or window_counter()
    deadline = clock() + timeout
    while True:
        now = clock()
        window = math.floor(now)
        if counter.take(account.pk, window, operations, limit):
            return True
        next_window = window + 1
        if next_window > deadline:
            return False
        wake = min(next_window + random.uniform(0, _WAKE_JITTER_SECONDS), deadline)
        sleep(max(wake - now, 0.0))


class PacedCapacity:
    """The rate limit for one long stream of writes: capacity from the shared counter in
    large grants, handed out one operation at a time at an even pace.

    `top_up` takes, from the same shared counter as `acquire`, as much of the current
    window as the stream still wants (one counter update for up to a whole window,
    instead of one per write) and is meant for the thread that does the database work.
    `take` hands the capacity out to the sending thread, spaced 1/rate apart with a
    small burst, and touches no database: on SQLite (one writer) the sender never
    queues behind the bookkeeping's transactions, and the platform never sees the
    double burst a fixed window lets through around its boundary. The stream holds at
    most about one window's worth ahead, so other workers of the account keep their share.
    """

    def __init__(
        self,
        account: AdAccount,
        *,
        burst: int = 3,
        tick: float = 0.02,
        counter: WindowCounter | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.account = account
        self.limit = settings.PLATFORM_RATE_PER_SECOND
        self.interval = 1.0 / self.limit
        self.burst, self.tick = burst, tick
        self.counter = counter or window_counter()
        self.clock = clock
        self._granted = 0
        self._full_window: int | None = None  # asked in vain: no point asking again in it
        self._next_slot = 0.0
        self._closed = False
        self._ready = threading.Condition()

    @property
    def granted(self) -> int:
        """Operations taken from the shared counter and not yet handed out."""
        with self._ready:
            return self._granted

    def top_up(self, wanted: int) -> int:
        """Take capacity for up to `wanted` operations still to send, if the stream runs low.

        Returns how many operations were taken now: 0 while the stream still holds half
        a window or more, or when the current window is already known to be full.
        """
        with self._ready:
            held = self._granted
        need = min(wanted - held, self.limit - held)
        if need < 1 or held > self.limit // 2:
            return 0
        window = math.floor(self.clock())
        if window == self._full_window:
            return 0
        operations = need
        while operations >= 1:  # whatever the window still holds, in at most ~log2(limit) asks
            if self.counter.take(self.account.pk, window, operations, self.limit):
                with self._ready:
                    self._granted += operations
                    self._ready.notify_all()
                return operations
            operations //= 2
        self._full_window = window
        return 0

    def take(self, timeout: float, most: int = 1) -> int:
        """Wait for granted capacity and its turn in the pace; how many operations may go
        now (1 to `most`), or 0 after `timeout` s without capacity, or once closed.

        Slots are 1/rate apart; after a pause up to `burst` slots go at once to catch up.
        With `most` > 1, the slots due within the next `tick` go together: a few dozen
        wake-ups a second instead of one per write, so a busy process (the GIL) delays
        the stream less; a slot sent early by less than `tick` cannot break the limit.
        """
        deadline = time.monotonic() + timeout
        with self._ready:
            while self._granted < 1:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    return 0
                self._ready.wait(left)
            now = time.monotonic()
            first = max(self._next_slot, now - (self.burst - 1) * self.interval)
            due = math.ceil((max(first, now) + self.tick - first) / self.interval)
            operations = max(1, min(most, self._granted, due))
            self._granted -= operations
            self._next_slot = first + operations * self.interval
        if first > now:
            time.sleep(first - now)
        return operations

    def close(self) -> None:
        """Wake and refuse every waiting `take` (the stream has stopped)."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
