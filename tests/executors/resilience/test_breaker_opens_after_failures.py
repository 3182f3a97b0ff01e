"""The breaker counts retryable failures and opens on the Nth in a row, refusing until retry_at."""

from datetime import timedelta

from executors.models import BreakerState, CircuitBreaker
from executors.resilience import breaker_allow, breaker_record_failure, breaker_record_success
from tests.executors.resilience.conftest import T0
from tests.factories import make_account


def _fail(account, times: int, now=T0, error="Adobe refused POST /budgets (503): busy"):
    for _ in range(times):
        breaker_record_failure(account, error, now=now)


def test_an_account_that_never_failed_is_allowed(alice, breaker_settings):
    decision = breaker_allow(alice.account, now=T0)

    assert decision.allowed and not decision.probe
    assert not CircuitBreaker.objects.exists()


def test_it_stays_closed_below_the_failure_threshold(alice, breaker_settings):
    _fail(alice.account, 2)

    breaker = CircuitBreaker.objects.get(account=alice.account)
    assert breaker.state == BreakerState.CLOSED
    assert breaker.consecutive_failures == 2
    assert breaker_allow(alice.account, now=T0).allowed


def test_it_opens_on_the_nth_consecutive_failure_and_refuses_until_retry_at(
    alice, breaker_settings
):
    _fail(alice.account, 3)

    breaker = CircuitBreaker.objects.get(account=alice.account)
    assert breaker.state == BreakerState.OPEN
    assert breaker.opened_at == T0
    assert breaker.retry_at == T0 + timedelta(seconds=60)

    decision = breaker_allow(alice.account, now=T0 + timedelta(seconds=59))
    assert not decision.allowed
    assert decision.retry_at == T0 + timedelta(seconds=60)
    assert "open" in decision.reason and str(alice.account) in decision.reason


def test_the_threshold_and_wait_come_from_settings(alice, breaker_settings):
    breaker_settings.BREAKER_FAILURE_THRESHOLD = 5
    breaker_settings.BREAKER_OPEN_SECONDS = 30

    _fail(alice.account, 4)
    assert breaker_allow(alice.account, now=T0).allowed
    _fail(alice.account, 1)

    assert breaker_allow(alice.account, now=T0).retry_at == T0 + timedelta(seconds=30)


def test_a_success_resets_the_failure_count(alice, breaker_settings):
    _fail(alice.account, 2)
    breaker_record_success(alice.account, now=T0)
    _fail(alice.account, 2)

    breaker = CircuitBreaker.objects.get(account=alice.account)
    assert breaker.state == BreakerState.CLOSED
    assert breaker.consecutive_failures == 2


def test_a_success_costs_one_read_when_nothing_failed(
    alice, breaker_settings, django_assert_num_queries
):
    with django_assert_num_queries(1):
        breaker_record_success(alice.account, now=T0)
    with django_assert_num_queries(1):
        assert breaker_allow(alice.account, now=T0).allowed


def test_failures_of_one_account_do_not_open_another_accounts_breaker(alice, bob, breaker_settings):
    sibling = make_account(alice.org, name="alice second account")
    _fail(alice.account, 3)

    assert not breaker_allow(alice.account, now=T0).allowed
    assert breaker_allow(sibling, now=T0).allowed
    assert breaker_allow(bob.account, now=T0).allowed


def test_failures_while_open_are_counted_but_do_not_extend_the_wait(alice, breaker_settings):
    _fail(alice.account, 3)
    _fail(alice.account, 2, now=T0 + timedelta(seconds=30))

    breaker = CircuitBreaker.objects.get(account=alice.account)
    assert breaker.state == BreakerState.OPEN
    assert breaker.consecutive_failures == 5
    assert breaker.retry_at == T0 + timedelta(seconds=60)


def test_the_last_error_is_kept_without_secrets(alice, breaker_settings):
    _fail(alice.account, 1, error="Could not reach adobe: Authorization: Bearer abc.def-123")

    last_error = CircuitBreaker.objects.get(account=alice.account).last_error
    assert "Could not reach adobe" in last_error
    assert "abc.def-123" not in last_error
