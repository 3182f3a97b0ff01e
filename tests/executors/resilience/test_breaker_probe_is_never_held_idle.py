"""A half-open probe that tests nothing hands its turn back at once; one that reads the
platform successfully closes the breaker — the waiting changes are not stuck behind it.

(The chaos run found approvals left APPROVED for good: probes that ended in the rate
limit, a refusal of our own, or a timeout never reported, so every other caller waited
out the probe's lease, round after round.)
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import RecommendationStatus
from executors.models import BreakerState, CircuitBreaker
from executors.pipeline import execute_batch, execute_recommendation
from executors.resilience import breaker_allow, breaker_record_failure, breaker_release_probe
from tests.executors.execution.conftest import approved_budget
from tests.executors.resilience.conftest import T0


def _open(account, now):
    for _ in range(5):
        breaker_record_failure(account, "503 from the platform", now=now)


def test_a_released_probe_goes_to_the_next_caller_at_once(alice, breaker_settings):
    _open(alice.account, T0)
    after = T0 + timedelta(seconds=61)
    assert breaker_allow(alice.account, now=after).probe

    breaker_release_probe(alice.account, now=after)

    assert breaker_allow(alice.account, now=after).probe


@pytest.fixture
def half_open_due(live_account):
    """The breaker opened a while ago: the next execution is its probe."""
    _open(live_account, timezone.now() - timedelta(hours=1))
    return live_account


def test_a_probe_whose_change_is_blocked_still_closes_the_breaker_by_its_read(
    sandbox, half_open_due, alice
):
    rec = approved_budget(half_open_due, alice.approver)
    type(rec).objects.filter(pk=rec.pk).update(current_value=rec.current_value + 1)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED  # changed outside Spectra
    assert CircuitBreaker.objects.get(account=half_open_due).state == BreakerState.CLOSED


def test_a_batch_whose_read_is_the_probe_goes_on_to_write(sandbox, half_open_due, alice):
    recs = [
        approved_budget(half_open_due, alice.approver, external_id=f"CMP-000{n}") for n in (1, 2, 3)
    ]

    execute_batch(account=half_open_due)

    statuses = {r.pk: r.status for r in type(recs[0]).objects.filter(pk__in=[r.pk for r in recs])}
    assert set(statuses.values()) == {RecommendationStatus.EXECUTED}
    assert CircuitBreaker.objects.get(account=half_open_due).state == BreakerState.CLOSED
