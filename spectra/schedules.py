"""The periodic jobs Spectra runs, installed by `manage.py install_schedules`.

Declared here once; installing is an idempotent upsert by name, so running
the command again (every deploy, every `make demo`) never duplicates a job.
"""

from dataclasses import dataclass

from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class Job:
    name: str
    func: str
    minutes: int
    kwargs: str = ""


# The job that starts each account's cycle when it is due (the dashboard reads its next run).
DISPATCH_CYCLES = "dispatch daily cycles"

JOBS = [
    # Every minute: queue the accounts whose cycle is due, start what the caps allow.
    Job(DISPATCH_CYCLES, "spectra.cycle.dispatch_cycles", minutes=1),
    # Every minute: carry out what people approved since the cycle (or what was held back).
    Job("execute approved changes", "spectra.tasks.execute_all_approved", minutes=1),
    Job("sync all accounts", "spectra.tasks.sync_all_accounts", minutes=60),
    Job("enforce spend limits", "spectra.tasks.enforce_all_spend_limits", minutes=15),
    Job("recover executions", "executors.tasks.recover_executions_task", minutes=5),
    # Every minute: launch steps due again (a retry's backoff passed, a dead worker's lease).
    Job("resume launches", "spectra.launch.resume_launches", minutes=1),
    # Hourly: readouts (once per account day) and the Google experiments' platform side.
    Job("read out experiments", "spectra.platform_experiments.experiments_tick", minutes=60),
]


def install_schedules() -> list[tuple[str, bool]]:
    """Create or update every job; returns (name, created) pairs."""
    results = []
    for job in JOBS:
        _, created = Schedule.objects.update_or_create(
            name=job.name,
            defaults={
                "func": job.func,
                "kwargs": job.kwargs,
                "schedule_type": Schedule.MINUTES,
                "minutes": job.minutes,
                "repeats": -1,
            },
        )
        Schedule.objects.filter(name=job.name, next_run__isnull=True).update(
            next_run=timezone.now()
        )
        results.append((job.name, created))
    return results
