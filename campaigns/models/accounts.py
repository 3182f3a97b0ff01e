"""Ad accounts on a platform, and how far Spectra may act on each."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models.tenancy import Organization
from campaigns.urlpolicy import Purpose, validate_outbound_url, validate_platform_api_url


class Platform(models.TextChoices):
    ADOBE = "adobe", "Adobe Advertising"
    GOOGLE_ADS = "google_ads", "Google Ads"


class ExecutionMode(models.TextChoices):
    READ_ONLY = "read_only", "Read only (sync only)"
    DRY_RUN = "dry_run", "Dry run (decide and simulate)"
    LIVE = "live", "Live (writes to the platform)"


class Autonomy(models.TextChoices):
    MANUAL = "manual", "Manual approval for everything"
    AUTO_LOW_RISK = "auto_low_risk", "Auto-apply low-risk changes"
    AUTONOMOUS = "autonomous", "Autonomous within guardrails"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. 'Asia/Kolkata').")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code (e.g. 'INR').")


PLATFORM_URL_PURPOSES = {
    Platform.ADOBE: Purpose.ADOBE_API,
    Platform.GOOGLE_ADS: Purpose.GOOGLE_ADS_API,
}


def validate_account_api_url(platform: str, url: str) -> None:
    """An account's API root must be its own platform's host.

    The field's validator accepts either platform's hosts (it cannot see the platform);
    this sees both. The connection-time check refuses a mismatch anyway, but a form or
    API error now beats a failed sync later. Every way in (admin form, API) calls it.
    """
    purpose = PLATFORM_URL_PURPOSES.get(platform)
    if not purpose or not url:
        return
    try:
        validate_platform_api_url(url)
    except ValidationError:
        return  # the field's own error says it already
    try:
        validate_outbound_url(url, purpose)
    except ValidationError as exc:
        raise ValidationError({"api_base_url": exc.messages}) from None


class AdAccount(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="accounts"
    )
    name = models.CharField(max_length=200)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=64, help_text="The account id on the platform.")
    currency = models.CharField(max_length=3, default="INR", validators=[validate_currency])
    time_zone = models.CharField(
        max_length=64, default="Asia/Kolkata", validators=[validate_time_zone]
    )
    execution_mode = models.CharField(
        max_length=16, choices=ExecutionMode.choices, default=ExecutionMode.DRY_RUN
    )
    autonomy = models.CharField(max_length=16, choices=Autonomy.choices, default=Autonomy.MANUAL)
    api_base_url = models.URLField(
        help_text="Platform API root; point it at the sandbox to rehearse without money.",
        validators=[validate_platform_api_url],
    )
    # Fernet ciphertext of a JSON object; read and written only through
    # campaigns.credentials. Excluded from history so old secrets don't linger.
    credentials_ciphertext = models.TextField(blank=True, default="", editable=False)
    is_active = models.BooleanField(default=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["credentials_ciphertext"])

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform", "external_id"], name="adaccount_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(platform__in=Platform.values), name="adaccount_platform_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(execution_mode__in=ExecutionMode.values),
                name="adaccount_mode_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(autonomy__in=Autonomy.values), name="adaccount_autonomy_valid"
            ),
        ]
        permissions = [("change_execution_mode", "Can change an account's execution mode")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def clean(self):
        super().clean()
        validate_account_api_url(self.platform, self.api_base_url)

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_ciphertext)
