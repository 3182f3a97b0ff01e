"""Performance as the platforms report it, and what a sync could not accept."""

from django.db import models

from campaigns.models.accounts import AdAccount
from campaigns.models.campaigns import AdGroup, Campaign


class DailyMetric(models.Model):
    """One ad group's performance on one day (account time zone), as last synced.

    Conversions keep arriving for days (conversion lag), so a day's row is
    overwritten by later syncs; `campaign` is carried so the optimiser and the
    tenancy scope reach an account in one join.
    """

    ad_group = models.ForeignKey(AdGroup, on_delete=models.CASCADE, related_name="metrics")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField()
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    conversions = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    conversion_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    spend = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["ad_group", "date"], name="dailymetric_unique"),
            models.CheckConstraint(
                condition=models.Q(clicks__lte=models.F("impressions")),
                name="dailymetric_clicks_le_impressions",
            ),
            models.CheckConstraint(
                condition=models.Q(conversions__gte=0, conversion_value__gte=0, spend__gte=0),
                name="dailymetric_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="dailymetric_campaign_date")]

    def __str__(self) -> str:
        return f"{self.ad_group} {self.date}"


class QuarantineKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    AD_GROUP = "ad_group", "Ad group"
    AUDIENCE = "audience", "Audience"
    METRIC = "metric", "Daily metric"


class QuarantinedRow(models.Model):
    """A platform row that a sync refused, with the reason; kept, never dropped.

    The same bad row seen again on a later sync bumps `occurrences` instead of
    piling up copies (unique on its fingerprint).
    """

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="quarantine")
    kind = models.CharField(max_length=16, choices=QuarantineKind.choices)
    external_id = models.CharField(max_length=128, blank=True)
    fingerprint = models.CharField(max_length=64)
    reason = models.TextField()
    payload = models.JSONField()
    occurrences = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "fingerprint"], name="quarantinedrow_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id or '?'}: {self.reason}"


class SyncStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class SyncRun(models.Model):
    """One read of an account's platform state and metrics, with its counts."""

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="sync_runs")
    date_from = models.DateField()
    date_to = models.DateField()
    status = models.CharField(max_length=16, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    campaigns_seen = models.PositiveIntegerField(default=0)
    ad_groups_seen = models.PositiveIntegerField(default=0)
    audiences_seen = models.PositiveIntegerField(default=0)
    metrics_created = models.PositiveIntegerField(default=0)
    metrics_updated = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    fields_kept = models.PositiveIntegerField(
        default=0,
        help_text="Fields the platform's read would have overwritten while Spectra's own "
        "change to them was in flight or just written (a read not caught up with it): "
        "left as Spectra recorded them.",
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Sync of {self.account} {self.date_from}…{self.date_to} ({self.status})"
