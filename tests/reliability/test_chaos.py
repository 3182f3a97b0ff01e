"""Chaos: the full daily cycle for several simulated days on several accounts while the
platforms fail at up to 30 % — and still nothing is lost, nothing applied twice,
nothing spent beyond a limit, and Spectra agrees with the platforms."""

from campaigns.models import AdAccount
from tests.reliability.harness import SHORT, ChaosRun


def test_the_daily_cycle_keeps_its_promises_under_a_fault_mix(
    alice, run_worker, django_capture_on_commit_callbacks
):
    AdAccount.objects.update(is_active=False)  # only the run's own accounts cycle
    report = ChaosRun(
        SHORT,
        org=alice.org,
        approver=alice.approver,
        drain=run_worker,
        on_commit=lambda: django_capture_on_commit_callbacks(execute=True),
    ).run()
    print(report.table())

    assert report.approved > 0, "nothing was approved: the run proved nothing"
    assert sum(report.faults.values()) > 0
    assert report.failures == dict.fromkeys(report.failures, 0), report
