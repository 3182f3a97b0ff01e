"""After downtime an account runs one cycle, not the backlog; an open cycle is never doubled."""

from datetime import timedelta

from django.utils import timezone

from campaigns.models import AdAccount
from spectra.cycle import dispatch_cycles
from spectra.models import AccountCycle, CycleRun


def test_an_account_due_ten_days_ago_runs_once_and_is_next_due_one_interval_from_now(alice):
    AdAccount.objects.exclude(pk=alice.account.pk).update(is_active=False)
    now = timezone.now()
    AccountCycle.objects.create(
        account=alice.account, every_minutes=60, next_due_at=now - timedelta(days=10)
    )

    dispatch_cycles(now=now)
    dispatch_cycles(now=now + timedelta(minutes=1))

    assert CycleRun.objects.filter(account=alice.account).count() == 1
    schedule = AccountCycle.objects.get(account=alice.account)
    assert schedule.next_due_at == now + timedelta(minutes=60)


def test_a_still_open_cycle_is_not_queued_twice_when_the_next_turn_comes(alice):
    AdAccount.objects.exclude(pk=alice.account.pk).update(is_active=False)
    now = timezone.now()
    AccountCycle.objects.create(account=alice.account, every_minutes=1)

    for minute in range(5):
        dispatch_cycles(now=now + timedelta(minutes=minute))

    assert CycleRun.objects.filter(account=alice.account).count() == 1


def test_every_active_account_gets_a_daily_schedule_due_now(alice, bob):
    bob.account.is_active = False
    bob.account.save(update_fields=["is_active"])

    dispatch_cycles()

    schedule = AccountCycle.objects.get(account=alice.account)
    assert schedule.every_minutes == 24 * 60
    assert not AccountCycle.objects.filter(account=bob.account).exists()
    assert CycleRun.objects.filter(account=alice.account).exists()


def test_a_disabled_schedule_queues_nothing(alice):
    AdAccount.objects.exclude(pk=alice.account.pk).update(is_active=False)
    AccountCycle.objects.create(account=alice.account, enabled=False)

    dispatch_cycles()

    assert not CycleRun.objects.exists()
