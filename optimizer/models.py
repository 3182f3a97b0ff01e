"""The optimiser's own records: runs and declared seasonal events."""

from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models import AdAccount, Organization


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class OptimizationRun(models.Model):
    """One optimisation of one account for one analysis date.

    Unique per (account, as_of): a task delivered twice, or a person pressing
    the button again, gets the same run and the same recommendations back.
    """

    account = models.ForeignKey(
        AdAccount, on_delete=models.CASCADE, related_name="optimization_runs"
    )
    as_of = models.DateField(help_text="The account's 'today': data up to the day before.")
    window_start = models.DateField()
    window_end = models.DateField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    policy_version = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    superseded = models.PositiveIntegerField(default=0)
    summary = models.JSONField(
        default=dict, blank=True, help_text="Holds, infeasibilities and timings, in words."
    )
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "as_of"], name="run_unique_per_day"),
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="run_window_ordered",
            ),
        ]
        permissions = [("run_optimization", "Can start an optimisation run")]

    def __str__(self) -> str:
        return f"Optimisation of {self.account} as of {self.as_of}"


class SeasonalEvent(models.Model):
    """A declared period of unusual demand (a festival, a sale) — not a trend."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="seasonal_events"
    )
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    multiplier = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="Expected demand relative to normal (1.50 = half as much again).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="event_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(multiplier__gt=0), name="event_multiplier_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date}…{self.end_date}, ×{self.multiplier})"
