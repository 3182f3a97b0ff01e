"""A fixed clock, breaker settings small enough to reason about, and a thread race."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection

T0 = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def breaker_settings(settings):
    settings.BREAKER_FAILURE_THRESHOLD = 3
    settings.BREAKER_OPEN_SECONDS = 60
    settings.BREAKER_MAX_OPEN_SECONDS = 900
    settings.PLATFORM_TIMEOUT_S = 30  # a probe's lease is four timeouts: 120 s
    return settings


def _waiting_on_table_locks(target):
    """Call `target`, waiting out SQLite shared-cache table locks like the busy timeout would.

    The test database is SQLite in memory with a shared cache: a second writer
    gets "database table is locked" at once instead of queueing on the busy
    timeout as on the file database Spectra runs on. The failed statement
    changed nothing, so calling again is what that wait amounts to.
    """
    for _ in range(500):
        try:
            return target()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("the database stayed locked for 2.5 s")


def race(target, n: int) -> list:
    """Run `target()` in `n` threads released together; return each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = (
                _waiting_on_table_locks(target) if connection.vendor == "sqlite" else target()
            )
        except Exception as exc:  # reported to the test, never swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results
