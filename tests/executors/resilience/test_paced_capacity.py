"""A long stream of writes takes the rate limit in whole-window grants and spends it evenly."""

import time

import pytest

from executors.models import RateLimitWindow
from executors.resilience import PacedCapacity, acquire
from executors.resilience.ratelimit import DatabaseWindowCounter

RATE = 20


class CountingCounter(DatabaseWindowCounter):
    """The database counter, counting how often the stream asks it."""

    def __init__(self):
        self.asks = 0

    def take(self, account_id, window, operations, limit):
        self.asks += 1
        return super().take(account_id, window, operations, limit)


@pytest.fixture
def rate(settings):
    settings.PLATFORM_RATE_PER_SECOND = RATE
    return RATE


def _stream(account, counter=None, now=1_000.5, **kwargs):
    clock = [now]
    capacity = PacedCapacity(account, counter=counter, clock=lambda: clock[0], **kwargs)
    return capacity, clock


def test_a_whole_window_is_taken_with_one_update_of_the_shared_counter(alice, rate):
    counter = CountingCounter()
    capacity, _ = _stream(alice.account, counter)

    assert capacity.top_up(500) == RATE

    assert counter.asks == 1
    assert capacity.granted == RATE
    assert RateLimitWindow.objects.get(account=alice.account).operations == RATE


def test_a_stream_takes_no_more_than_it_still_has_to_send(alice, rate):
    capacity, _ = _stream(alice.account)

    assert capacity.top_up(3) == 3
    assert acquire(alice.account, RATE - 3, timeout=0, clock=lambda: 1_000.5)


def test_a_stream_shares_the_window_with_other_workers_of_the_account(alice, rate):
    counter = CountingCounter()
    capacity, clock = _stream(alice.account, counter)
    assert acquire(alice.account, RATE - 5, timeout=0, clock=lambda: 1_000.5)

    assert capacity.top_up(500) == 5  # what the window still holds, not nothing
    assert capacity.top_up(500) == 0  # asked again: now the window is full
    asks = counter.asks
    assert capacity.top_up(500) == 0
    assert counter.asks == asks  # known full: not asked again within the window

    clock[0] = 1_001.5
    assert capacity.top_up(500) == RATE - 5  # the next window, up to one window in hand
    assert capacity.granted == RATE


def test_a_stream_holds_at_most_about_one_window_ahead(alice, rate):
    capacity, clock = _stream(alice.account)
    capacity.top_up(500)
    clock[0] = 1_001.5

    assert capacity.top_up(500) == 0  # more than half a window still in hand

    for _ in range(RATE // 2):
        capacity.take(timeout=1)
    assert capacity.top_up(500) == RATE // 2  # back to one window's worth, never more
    assert capacity.granted == RATE


def test_writes_are_spaced_one_over_the_rate_apart_after_a_small_burst(alice, rate):
    capacity, _ = _stream(alice.account, burst=2)
    capacity.top_up(RATE)

    started = time.monotonic()
    for _ in range(10):
        assert capacity.take(timeout=1)
    elapsed = time.monotonic() - started

    # Two at once, then eight more 1/RATE apart (0.4 s at 20 a second).
    assert 8 / RATE - 0.02 <= elapsed < 8 / RATE + 0.15


def test_a_write_without_capacity_gives_up_after_its_wait_and_at_once_when_closed(alice, rate):
    capacity, _ = _stream(alice.account)

    started = time.monotonic()
    assert not capacity.take(timeout=0.1)
    assert time.monotonic() - started >= 0.1

    capacity.close()
    started = time.monotonic()
    assert not capacity.take(timeout=5)
    assert time.monotonic() - started < 0.5
