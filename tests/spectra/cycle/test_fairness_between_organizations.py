"""One organization's many accounts cannot take every worker: a cap per organization."""

from django_q.models import OrmQ

from campaigns.models import AdAccount, Organization
from spectra.cycle import dispatch_cycles
from spectra.models import CycleRun, CycleStatus
from tests.factories import make_account

S = CycleStatus


def _running(org) -> int:
    return CycleRun.objects.filter(account__organization=org, status=S.RUNNING).count()


def test_a_big_organization_runs_only_its_cap_and_a_small_one_still_starts(
    alice, bob, django_capture_on_commit_callbacks
):
    AdAccount.objects.update(is_active=False)
    Organization.objects.filter(pk=alice.org.pk).update(max_concurrent_cycles=2)
    for n in range(30):
        make_account(alice.org, name=f"alice big {n}")
    make_account(bob.org, name="bob only")

    with django_capture_on_commit_callbacks(execute=True):
        summary = dispatch_cycles()

    assert summary["queued"] == 31
    assert _running(alice.org) == 2
    assert _running(bob.org) == 1
    assert CycleRun.objects.filter(status=S.QUEUED).count() == 28
    assert OrmQ.objects.count() == 3  # one first step per started cycle, nothing more


def test_a_finished_cycle_frees_its_slot_for_the_next_queued_one(
    alice, django_capture_on_commit_callbacks
):
    AdAccount.objects.update(is_active=False)
    Organization.objects.filter(pk=alice.org.pk).update(max_concurrent_cycles=1)
    first, second = make_account(alice.org), make_account(alice.org)
    dispatch_cycles()
    running = CycleRun.objects.get(status=S.RUNNING)
    assert running.account in (first, second)

    CycleRun.objects.filter(pk=running.pk).update(status=S.SUCCEEDED)
    dispatch_cycles()

    assert CycleRun.objects.get(status=S.RUNNING).account != running.account
    assert not CycleRun.objects.filter(status=S.QUEUED).exists()
