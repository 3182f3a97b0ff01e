"""The daily cycle's own state: each account's schedule and each run of the cycle.

The cycle is the one place that knows sync, optimiser and executor together,
so its bookkeeping lives in the shell app that orchestrates them.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models import AdAccount


class AccountCycle(models.Model):
    """When an account's cycle runs. Due again `every_minutes` after it last started."""

    account = models.OneToOneField(AdAccount, on_delete=models.CASCADE, related_name="cycle")
    enabled = models.BooleanField(default=True)
    every_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text="How often the cycle runs for this account (1440 = daily)."
    )
    # None = due now. Set from the start time, never from the old due time, so an
    # outage does not leave a backlog of cycles to catch up.
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every_minutes__gte=1), name="account_cycle_interval_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Cycle of {self.account} every {self.every_minutes} min"


class CycleStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class CycleRun(models.Model):
    """One pass of sync → anomalies → optimise → approve → execute → spend limits."""

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="cycle_runs")
    status = models.CharField(
        max_length=10, choices=CycleStatus.choices, default=CycleStatus.QUEUED
    )
    step = models.CharField(max_length=24, blank=True, help_text="The step running or last run.")
    # [{"step": …, "finished_at": …, "result": {…}}] in order; what each step reported.
    steps = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["status", "queued_at"], name="cyclerun_status_queued")]
        constraints = [
            # At most one open cycle per account: a second dispatcher cannot queue a twin.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status__in=["queued", "running"]),
                name="cyclerun_one_open_per_account",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CycleStatus.values), name="cyclerun_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle #{self.pk} of {self.account} ({self.get_status_display()})"
