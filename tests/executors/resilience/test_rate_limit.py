"""Operations per second per account: the burst passes, the next one waits or times out."""

import pytest
from django.core.cache.backends.locmem import LocMemCache

from campaigns.models import AdAccount
from executors.models import RateLimitWindow
from executors.resilience import acquire
from executors.resilience.ratelimit import (
    CacheWindowCounter,
    DatabaseWindowCounter,
    window_counter,
)
from tests.executors.resilience.conftest import race
from tests.factories import make_account

RATE = 5


class FakeClock:
    """time.time and time.sleep for one test: sleeping moves the clock, nothing waits."""

    def __init__(self, start: float):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def rate(settings):
    settings.PLATFORM_RATE_PER_SECOND = RATE
    return RATE


def _acquire(account, clock, timeout, operations=1, counter=None):
    return acquire(
        account, operations, timeout=timeout, clock=clock, sleep=clock.sleep, counter=counter
    )


def test_the_burst_passes_at_once_and_one_more_waits_for_the_next_window(alice, rate):
    clock = FakeClock(1_000.2)

    assert all(_acquire(alice.account, clock, timeout=0) for _ in range(RATE))
    assert clock.slept == []

    assert _acquire(alice.account, clock, timeout=2)
    assert 1_001 <= clock.now < 1_001.1  # it slept into the next window, no longer
    assert len(clock.slept) == 1


def test_one_more_than_the_burst_times_out_when_the_next_window_is_too_far(alice, rate):
    clock = FakeClock(1_000.2)
    for _ in range(RATE):
        _acquire(alice.account, clock, timeout=0)

    assert not _acquire(alice.account, clock, timeout=0.5)
    assert clock.slept == []  # no point sleeping when the wait cannot end in time


def test_a_batch_counts_all_its_operations(alice, rate):
    clock = FakeClock(1_000.0)

    assert _acquire(alice.account, clock, timeout=0, operations=RATE - 1)
    assert not _acquire(alice.account, clock, timeout=0, operations=2)
    assert _acquire(alice.account, clock, timeout=0, operations=1)


def test_a_batch_larger_than_the_burst_is_refused_with_a_clear_message(alice, rate):
    with pytest.raises(ValueError, match="at most 5 a second"):
        _acquire(alice.account, FakeClock(1_000.0), timeout=10, operations=RATE + 1)


def test_accounts_do_not_share_a_bucket(alice, bob, rate):
    sibling = make_account(alice.org, name="alice second account")
    clock = FakeClock(1_000.5)
    for _ in range(RATE):
        assert _acquire(alice.account, clock, timeout=0)

    assert not _acquire(alice.account, clock, timeout=0)
    assert _acquire(sibling, clock, timeout=0)
    assert _acquire(bob.account, clock, timeout=0)


def test_the_database_counter_keeps_one_row_per_account(alice, rate):
    clock = FakeClock(1_000.0)
    for second in range(3):
        clock.now = 1_000.0 + second
        for _ in range(RATE):
            assert _acquire(alice.account, clock, timeout=0)

    row = RateLimitWindow.objects.get()
    assert (row.account_id, row.window, row.operations) == (alice.account.pk, 1_002, RATE)


def test_the_embedded_database_cache_counts_in_the_database_and_redis_in_the_cache(settings):
    assert isinstance(window_counter(), DatabaseWindowCounter)  # DatabaseCache: incr not atomic

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # never contacted: choosing connects nothing
        }
    }
    assert isinstance(window_counter(), CacheWindowCounter)


def test_the_cache_counter_admits_exactly_the_burst_to_concurrent_callers(alice, rate):
    # LocMemCache increments under a lock, as Redis does with INCRBY.
    counter = CacheWindowCounter(LocMemCache("spectra-ratelimit-test", {}))
    clock = FakeClock(1_000.5)

    admitted = race(lambda: _acquire(alice.account, clock, timeout=0, counter=counter), 12)

    assert admitted.count(True) == RATE
    assert counter.cache.get(f"spectra:ratelimit:{alice.account.pk}:1000") == RATE


@pytest.mark.django_db(transaction=True)
def test_the_database_counter_admits_exactly_the_burst_to_concurrent_callers(alice, rate):
    account_id = alice.account.pk
    clock = FakeClock(1_000.5)

    def call():
        return _acquire(AdAccount.objects.get(pk=account_id), clock, timeout=0)

    admitted = race(call, 12)

    assert admitted.count(True) == RATE
    assert RateLimitWindow.objects.get(account_id=account_id).operations == RATE
