"""An organization admin can close a breaker by hand; nobody else can."""

import pytest
from django.core.exceptions import PermissionDenied

from executors.models import BreakerState, CircuitBreaker
from executors.resilience import breaker_allow, breaker_record_failure, breaker_reset
from tests.executors.resilience.conftest import T0


@pytest.fixture
def opened(alice, breaker_settings):
    for _ in range(3):
        breaker_record_failure(alice.account, "503", now=T0)
    return alice.account


def test_an_organization_admin_closes_the_breaker_and_is_recorded(alice, opened):
    breaker_reset(account=opened, actor=alice.admin, now=T0)

    breaker = CircuitBreaker.objects.get(account=opened)
    assert breaker.state == BreakerState.CLOSED
    assert breaker.consecutive_failures == 0 and breaker.retry_at is None
    assert (breaker.reset_by, breaker.reset_at) == (alice.admin, T0)
    assert breaker_allow(opened, now=T0).allowed


@pytest.mark.parametrize("who", ["viewer", "analyst", "approver"])
def test_other_roles_of_the_organization_cannot_reset_it(alice, opened, who):
    with pytest.raises(PermissionDenied):
        breaker_reset(account=opened, actor=getattr(alice, who), now=T0)

    assert CircuitBreaker.objects.get(account=opened).state == BreakerState.OPEN


def test_another_organizations_admin_cannot_reset_it(bob, opened):
    with pytest.raises(PermissionDenied):
        breaker_reset(account=opened, actor=bob.admin, now=T0)

    assert CircuitBreaker.objects.get(account=opened).state == BreakerState.OPEN
