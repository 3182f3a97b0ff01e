"""A fixed clock, breaker settings small enough to reason about, and a thread race."""

from datetime import UTC, datetime

import pytest

from tests.concurrency import race as race_threads
from tests.executors.execution.conftest import live_account  # noqa: F401

T0 = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def breaker_settings(settings):
    settings.BREAKER_FAILURE_THRESHOLD = 3
    settings.BREAKER_OPEN_SECONDS = 60
    settings.BREAKER_MAX_OPEN_SECONDS = 900
    settings.PLATFORM_TIMEOUT_S = 30  # a probe's lease is four timeouts: 120 s
    return settings


def race(target, n: int) -> list:
    """Like tests.concurrency.race, and no thread may fail."""
    results = race_threads(target, n)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results
