"""A provider's breaker is the platforms' engine: each failed probe keeps it open twice as
long as the last time, up to LLM_BREAKER_MAX_OPEN_SECONDS, and a successful probe closes it."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.models import BreakerState
from creative.llm import health
from creative.models import ProviderHealth

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SCOPE = "provider:1"


@pytest.fixture
def tripped(db, settings):
    settings.LLM_BREAKER_FAILURES = 2
    settings.LLM_BREAKER_OPEN_SECONDS = 60
    settings.LLM_BREAKER_MAX_OPEN_SECONDS = 200
    health.record_failure(SCOPE, "503", T0)
    health.record_failure(SCOPE, "503", T0)
    return T0 + timedelta(seconds=60)


def _fail_the_probe(at: datetime) -> datetime:
    assert health.admit(SCOPE, at) is None  # this caller is the probe
    health.record_failure(SCOPE, "503 again", at)
    return ProviderHealth.objects.get(scope=SCOPE).retry_at


def test_it_is_open_until_its_open_time_has_passed(tripped):
    assert health.admit(SCOPE, T0 + timedelta(seconds=59)) == tripped


def test_each_failed_probe_doubles_the_wait_up_to_the_max(tripped):
    second = _fail_the_probe(tripped)
    third = _fail_the_probe(second)

    assert second - tripped == timedelta(seconds=120)
    assert third - second == timedelta(seconds=200)  # 240 s, held to the max
    assert health.admit(SCOPE, third - timedelta(seconds=1)) == third


def test_a_probe_that_succeeds_closes_it_and_forgets_the_failed_probes(tripped):
    _fail_the_probe(tripped)
    later = ProviderHealth.objects.get(scope=SCOPE).retry_at
    assert health.admit(SCOPE, later) is None

    health.record_success(SCOPE)

    row = ProviderHealth.objects.get(scope=SCOPE)
    assert (row.state, row.consecutive_failures, row.failed_probes) == (BreakerState.CLOSED, 0, 0)
