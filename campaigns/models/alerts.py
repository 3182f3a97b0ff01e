"""Alerts: something a person should look at (anomalies, limits, failures)."""

from django.conf import settings
from django.db import models

from campaigns.models.accounts import AdAccount
from campaigns.models.campaigns import Campaign
from campaigns.models.tenancy import Organization


class AlertKind(models.TextChoices):
    ANOMALY_SPEND = "anomaly_spend", "Spend anomaly"
    ANOMALY_CPA = "anomaly_cpa", "CPA anomaly"
    ANOMALY_CTR = "anomaly_ctr", "CTR anomaly"
    SPEND_LIMIT = "spend_limit", "Spend limit reached"
    EXECUTION_FAILED = "execution_failed", "Execution failed"
    SYNC_FAILED = "sync_failed", "Sync failed"
    CYCLE_FAILED = "cycle_failed", "Daily cycle failed"
    AI_BUDGET = "ai_budget", "AI budget spent"
    SPEND_CHECK_FAILED = "spend_check_failed", "Spend-limit check failed"
    RECOVERY_FAILED = "recovery_failed", "Recovery of executions failed"
    SCHEDULE_STOPPED = "schedule_stopped", "Scheduled job stopped running"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Alert(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    account = models.ForeignKey(
        AdAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Re-raising the same condition updates the open alert instead of spamming.
    dedup_key = models.CharField(max_length=200, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # E-mail and the organization's webhook are told once per alert; a failure to
    # tell is kept here (and retried by the notifier), never raised at the raiser.
    notified_at = models.DateTimeField(null=True, blank=True)
    notification_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dedup_key"],
                condition=models.Q(acknowledged_at__isnull=True) & ~models.Q(dedup_key=""),
                name="alert_one_open_per_dedup_key",
            ),
        ]
        permissions = [("acknowledge_alert", "Can acknowledge alerts")]

    def __str__(self) -> str:
        return self.title
