"""A cycle whose worker died is marked failed with an Alert, and its slot is freed."""

from datetime import timedelta

from django.utils import timezone

from campaigns.models import AdAccount, Alert, AlertKind
from spectra.cycle import dispatch_cycles
from spectra.models import AccountCycle, CycleRun, CycleStatus


def test_a_cycle_silent_for_longer_than_every_retry_is_failed_and_alerted(alice):
    AdAccount.objects.exclude(pk=alice.account.pk).update(is_active=False)
    AccountCycle.objects.create(account=alice.account, enabled=False)
    long_ago = timezone.now() - timedelta(hours=3)
    cycle = CycleRun.objects.create(
        account=alice.account, status=CycleStatus.RUNNING, step="execute", heartbeat_at=long_ago
    )

    summary = dispatch_cycles()

    cycle.refresh_from_db()
    assert summary["reaped"] == 1
    assert cycle.status == CycleStatus.FAILED
    assert "stopped responding" in cycle.error
    assert Alert.objects.filter(kind=AlertKind.CYCLE_FAILED, account=alice.account).exists()


def test_a_cycle_that_is_merely_slow_is_left_alone(alice):
    AdAccount.objects.exclude(pk=alice.account.pk).update(is_active=False)
    AccountCycle.objects.create(account=alice.account, enabled=False)
    cycle = CycleRun.objects.create(
        account=alice.account,
        status=CycleStatus.RUNNING,
        step="sync",
        heartbeat_at=timezone.now() - timedelta(minutes=4),
    )

    dispatch_cycles()

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.RUNNING
