"""Schedules are installed by a command, idempotently, and never catch up a backlog."""

from django.conf import settings
from django.core.management import call_command
from django_q.models import Schedule

from spectra.schedules import JOBS


def test_the_command_installs_every_job_once_however_often_it_runs(db):
    call_command("install_schedules")
    call_command("install_schedules")

    assert Schedule.objects.count() == len(JOBS)
    dispatcher = Schedule.objects.get(func="spectra.cycle.dispatch_cycles")
    assert dispatcher.minutes == 1 and dispatcher.repeats == -1
    assert dispatcher.next_run is not None


def test_a_changed_interval_is_updated_in_place(db):
    call_command("install_schedules")
    Schedule.objects.filter(func="spectra.cycle.dispatch_cycles").update(minutes=99)

    call_command("install_schedules")

    assert Schedule.objects.get(func="spectra.cycle.dispatch_cycles").minutes == 1


def test_the_cluster_never_catches_up_and_never_loops_on_a_poisoned_task():
    q = settings.Q_CLUSTER
    assert q["catch_up"] is False
    assert q["ack_failures"] is True
    assert q["timeout"] < q["retry"]
    assert q["max_attempts"] >= 1
