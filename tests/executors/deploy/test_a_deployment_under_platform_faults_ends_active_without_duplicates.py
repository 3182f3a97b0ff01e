"""With the platform failing a third of its requests (answers lost after the write was
applied, 5xx, 429, connections reset), repeated deployments end ACTIVE and the
platform holds exactly one of every object: an unknown outcome is settled by lookup."""

import pytest

from tests.executors.deploy.conftest import (
    ONE_LAUNCH,
    adobe_account,
    assert_active,
    created_counts,
    deploy,
    google_account,
    make_launch,
    set_faults,
)

pytestmark = pytest.mark.django_db
KINDS = ["500", "503", "429", "reset", "502", "malformed"]


def _deployed_under_faults(sandbox, account, seed: int) -> None:
    """A launch deployed again and again under the faults until it is no longer waiting:
    it ends ACTIVE."""
    campaign = make_launch(account)
    set_faults(sandbox, rate=0.33, kinds=KINDS, seed=seed, retryAfter=0)
    for _ in range(40):
        outcome = deploy(campaign)
        if outcome != "waiting":
            break
    assert outcome == "active"
    assert_active(campaign)


@pytest.fixture(autouse=True)
def _patient_breaker(settings):
    settings.BREAKER_FAILURE_THRESHOLD = 1000  # the test is about duplicates, not the breaker


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_google_under_faults(alice, sandbox, seed):
    _deployed_under_faults(sandbox, google_account(alice, sandbox), seed)

    assert sandbox.app.faults.tally()["injected"]  # faults did strike
    assert created_counts(sandbox) == ONE_LAUNCH["google"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_adobe_under_faults(alice, sandbox, seed):
    _deployed_under_faults(sandbox, adobe_account(alice, sandbox), seed)

    assert sandbox.app.faults.tally()["injected"]  # faults did strike
    assert created_counts(sandbox, "adobe") == ONE_LAUNCH["adobe"]
