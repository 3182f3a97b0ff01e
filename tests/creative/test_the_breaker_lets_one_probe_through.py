"""Once its open time has passed, a provider's breaker lets one caller through (the
probe) while every other worker stays refused; the probe's outcome closes or reopens it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import BreakerState
from creative.llm import health
from creative.llm.errors import AIUnavailable
from creative.models import ProviderHealth
from tests.creative.conftest import ad_copy, sandbox_log


@pytest.fixture
def tripped(llm, alice, settings):
    """The environment provider's breaker, opened by three 5xx, its open time now over."""
    settings.LLM_BREAKER_FAILURES = 3
    llm.set_faults(next=["500", "503", "502"])
    with pytest.raises(AIUnavailable):
        ad_copy(alice.org)
    ProviderHealth.objects.update(retry_at=timezone.now() - timedelta(seconds=1))
    return ProviderHealth.objects.get()


def test_only_one_of_many_callers_gets_the_probe(tripped):
    now = timezone.now()

    answers = [health.admit(tripped.scope, now) for _ in range(5)]

    assert answers[0] is None  # the probe
    assert all(a is not None and a > now for a in answers[1:])


def test_a_probe_that_succeeds_closes_the_breaker(tripped, llm, alice):
    ad_copy(alice.org)

    row = ProviderHealth.objects.get()
    assert (row.state, row.consecutive_failures, row.retry_at) == (BreakerState.CLOSED, 0, None)
    assert health.admit(row.scope, timezone.now()) is None


def test_a_probe_that_fails_reopens_it_for_everyone(tripped, llm, alice, settings):
    settings.LLM_BREAKER_OPEN_SECONDS = 60
    llm.set_faults(next=["500", "500", "500"])
    with pytest.raises(AIUnavailable):
        ad_copy(alice.org)  # the probe: one request, and it fails
    asked = len(sandbox_log(llm))

    with pytest.raises(AIUnavailable, match="calls resume at"):
        ad_copy(alice.org)

    assert len(sandbox_log(llm)) == asked
    assert ProviderHealth.objects.get().retry_at > timezone.now() + timedelta(seconds=50)
