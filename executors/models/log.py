"""The append-only records of every attempt to write to a platform (ExecutionLog) and of
every call of a launch's deployment (DeployLog).

Rows are inserted, never changed: the model refuses save-on-existing and
delete, its queryset refuses update and delete (AppendOnlyLog), and a database
trigger (executors.db.append_only, installed by each table's migration, on SQLite
and PostgreSQL) refuses UPDATE from anything else. What is stored is already redacted.
"""

from django.db import models

from campaigns.models import AdAccount, Recommendation


class AppendOnlyError(Exception):
    """Someone tried to change or delete a row of an append-only log."""


def _refused(model: type[models.Model], what: str) -> AppendOnlyError:
    return AppendOnlyError(f"The {model._meta.verbose_name} is append-only: rows cannot be {what}.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refused(self.model, "updated")

    def delete(self):
        raise _refused(self.model, "deleted")


class AppendOnlyLog(models.Model):
    """A log whose rows are inserted and never changed or deleted by the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refused(type(self), "updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refused(type(self), "deleted")


class ExecutionOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Failed, will retry"
    BLOCKED = "blocked", "Blocked by a guardrail"
    SIMULATED = "simulated", "Simulated (dry run)"
    RECONCILED = "reconciled", "Reconciled after a crash"


class PlatformCallLog(AppendOnlyLog):
    """What every log of calls to a platform keeps of one call (redacted before saving)."""

    mode = models.CharField(max_length=16, help_text="The account's execution mode then.")
    request = models.JSONField(default=dict, blank=True)
    response = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=16, choices=ExecutionOutcome.choices)
    detail = models.TextField(blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


class ExecutionLog(PlatformCallLog):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="executions"
    )
    account = models.ForeignKey(AdAccount, on_delete=models.PROTECT, related_name="executions")
    action = models.CharField(max_length=40, help_text="e.g. adobe.campaign_budget")
    attempt = models.PositiveSmallIntegerField(default=1)
    idempotency_key = models.UUIDField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"], name="executionlog_account")]

    def __str__(self) -> str:
        return f"{self.action} #{self.recommendation_id} ({self.outcome})"


class DeployLog(PlatformCallLog):
    """One row per call a launch's deployment made (or, on a dry run, would have made):
    append-only like ExecutionLog, and redacted before it is stored. A deployment has
    no recommendation, so it has its own log, keyed by the campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="deploy_log"
    )
    account = models.ForeignKey(AdAccount, on_delete=models.PROTECT, related_name="deploy_log")
    action = models.CharField(max_length=60, help_text="e.g. google.campaigns.create")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of campaign #{self.campaign_id} ({self.outcome})"
