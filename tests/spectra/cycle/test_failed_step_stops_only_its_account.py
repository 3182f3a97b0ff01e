"""A step that fails stops the chain for its account, with an Alert and a dead letter
a person can re-queue; other accounts' cycles carry on."""

import pytest
from django_q.models import Failure
from django_q.tasks import async_task

from campaigns.models import AdAccount, Alert, AlertKind, Organization
from spectra import cycle as cycle_module
from spectra.cycle import STEP_ORDER
from spectra.models import CycleRun, CycleStatus
from tests.spectra.cycle.conftest import synced_account


@pytest.fixture
def two_accounts(alice, today_sandbox):
    AdAccount.objects.exclude(api_base_url=today_sandbox.base_url).update(is_active=False)
    Organization.objects.filter(pk=alice.org.pk).update(max_concurrent_cycles=5)
    broken = synced_account(alice.org, today_sandbox, name="broken account")
    healthy = synced_account(alice.org, today_sandbox, name="healthy account")
    return broken, healthy


@pytest.fixture
def optimiser_down_for(monkeypatch):
    def arrange(account):
        real = cycle_module.STEPS["optimise"]

        def flaky(acc):
            if acc.pk == account.pk:
                raise RuntimeError("optimiser database is on fire")
            return real(acc)

        monkeypatch.setitem(cycle_module.STEPS, "optimise", flaky)
        return real

    return arrange


def test_the_failed_account_stops_at_the_step_and_the_other_finishes(
    two_accounts, optimiser_down_for, run_dispatch
):
    broken, healthy = two_accounts
    optimiser_down_for(broken)

    run_dispatch()

    failed = CycleRun.objects.get(account=broken)
    assert failed.status == CycleStatus.FAILED
    assert failed.step == "optimise"
    assert "optimiser database is on fire" in failed.error
    assert [s["step"] for s in failed.steps] == ["sync", "anomalies"]  # nothing after
    assert CycleRun.objects.get(account=healthy).status == CycleStatus.SUCCEEDED


def test_the_failure_raises_an_alert_naming_the_step(
    two_accounts, optimiser_down_for, run_dispatch
):
    broken, _ = two_accounts
    optimiser_down_for(broken)

    run_dispatch()

    alert = Alert.objects.get(kind=AlertKind.CYCLE_FAILED)
    assert alert.account == broken
    assert "'optimise'" in alert.title
    assert "optimiser database is on fire" in alert.message


def test_the_failed_task_waits_in_the_dead_letter_queue_and_resumes_when_requeued(
    two_accounts, optimiser_down_for, run_dispatch, run_worker, monkeypatch
):
    broken, _ = two_accounts
    real = optimiser_down_for(broken)
    run_dispatch()
    dead = Failure.objects.get(func="spectra.cycle.run_cycle_step")
    assert dead.args[1] == "optimise"
    assert "optimiser database is on fire" in str(dead.result)

    monkeypatch.setitem(cycle_module.STEPS, "optimise", real)  # the cause is fixed
    async_task(dead.func, *dead.args)  # what the console's "resubmit" does
    run_worker()

    resumed = CycleRun.objects.get(account=broken)
    assert resumed.status == CycleStatus.SUCCEEDED, resumed.error
    assert [s["step"] for s in resumed.steps] == STEP_ORDER
