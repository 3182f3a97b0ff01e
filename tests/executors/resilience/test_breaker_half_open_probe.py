"""After the wait one caller probes; its outcome closes the breaker or doubles the wait."""

from datetime import timedelta

import pytest

from campaigns.circuit_breaker import Breaker
from executors.models import BreakerState, CircuitBreaker
from executors.resilience import breaker_allow, breaker_record_failure, breaker_record_success
from executors.resilience.breaker import breaker_of
from tests.executors.resilience.conftest import T0


@pytest.fixture
def opened(alice, breaker_settings):
    """alice's account with its breaker opened at T0 (retry at T0 + 60 s)."""
    for _ in range(3):
        breaker_record_failure(alice.account, "503 from the platform", now=T0)
    return alice.account


def _state(account) -> CircuitBreaker:
    return CircuitBreaker.objects.get(account=account)


def test_after_the_wait_the_first_caller_gets_the_probe_and_the_next_waits(opened):
    after = T0 + timedelta(seconds=60)

    first = breaker_allow(opened, now=after)
    second = breaker_allow(opened, now=after)

    assert first.allowed and first.probe
    assert not second.allowed and not second.probe
    assert after < second.retry_at <= after + timedelta(seconds=120)
    assert "testing" in second.reason
    assert _state(opened).state == BreakerState.HALF_OPEN


def test_a_successful_probe_closes_the_breaker(opened):
    after = T0 + timedelta(seconds=61)
    assert breaker_allow(opened, now=after).probe

    breaker_record_success(opened, now=after)

    breaker = _state(opened)
    assert breaker.state == BreakerState.CLOSED
    assert breaker.consecutive_failures == 0
    assert breaker.retry_at is None and breaker.half_open_probe_until is None
    assert breaker_allow(opened, now=after).allowed


def test_a_failed_probe_reopens_it_for_twice_as_long(opened):
    after = T0 + timedelta(seconds=61)
    assert breaker_allow(opened, now=after).probe

    breaker_record_failure(opened, "still 503", now=after)

    breaker = _state(opened)
    assert breaker.state == BreakerState.OPEN
    assert breaker.failed_probes == 1
    assert breaker.retry_at == after + timedelta(seconds=120)
    assert breaker.last_error == "still 503"
    refused = breaker_allow(opened, now=after + timedelta(seconds=119))
    assert not refused.allowed and refused.retry_at == after + timedelta(seconds=120)


def test_the_wait_doubles_per_failed_probe_up_to_the_maximum(opened):
    now, waits = T0, []
    retry_at = _state(opened).retry_at
    for _ in range(6):
        now = retry_at
        assert breaker_allow(opened, now=now).probe
        breaker_record_failure(opened, "still down", now=now)
        retry_at = _state(opened).retry_at
        waits.append(int((retry_at - now).total_seconds()))

    assert waits == [120, 240, 480, 900, 900, 900]


def test_a_closed_breaker_starts_again_from_the_shortest_wait(opened):
    after = T0 + timedelta(seconds=60)
    breaker_allow(opened, now=after)
    breaker_record_failure(opened, "still down", now=after)  # 120 s
    later = after + timedelta(seconds=120)
    breaker_allow(opened, now=later)
    breaker_record_success(opened, now=later)

    for _ in range(3):
        breaker_record_failure(opened, "down again", now=later)

    assert _state(opened).retry_at == later + timedelta(seconds=60)


def test_a_probe_that_never_reports_is_handed_to_another_caller_after_its_lease(opened):
    after = T0 + timedelta(seconds=60)
    assert breaker_allow(opened, now=after).probe  # this worker dies without reporting

    assert not breaker_allow(opened, now=after + timedelta(seconds=119)).allowed
    second = breaker_allow(opened, now=after + timedelta(seconds=120))

    assert second.allowed and second.probe


def test_a_success_reported_while_open_does_not_close_it(opened):
    # A call that left before the breaker opened answers late: only the probe decides.
    breaker_record_success(opened, now=T0 + timedelta(seconds=1))

    assert _state(opened).state == BreakerState.OPEN
    assert not breaker_allow(opened, now=T0 + timedelta(seconds=2)).allowed


def test_a_caller_that_read_the_breaker_before_the_probe_was_taken_gets_no_second_probe(
    opened, monkeypatch
):
    # The interleaving two racing workers produce: both read "open", then both claim.
    after = T0 + timedelta(seconds=60)
    stale = breaker_of(opened).row()
    assert breaker_allow(opened, now=after).probe

    reads = iter([stale])
    real_row = Breaker.row
    monkeypatch.setattr(Breaker, "row", lambda breaker: next(reads, None) or real_row(breaker))
    late = breaker_allow(opened, now=after)

    assert not late.allowed and not late.probe
