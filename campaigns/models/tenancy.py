"""Organizations (tenants) and who belongs to them, with which role."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.urlpolicy import validate_webhook_url

# What a webhook URL must pass, wherever it is typed (admin form, API, service);
# the URL is not a model field (it is stored encrypted), so the list lives here.
# validate_webhook_url is the outbound URL policy (allowed hosts, https in production).
WEBHOOK_URL_VALIDATORS = [URLValidator(schemes=["http", "https"]), validate_webhook_url]


class Organization(models.Model):
    """A client or agency. Every tenant-owned row reaches one of these."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    # Fernet ciphertext of the alert webhook URL (Slack and Teams URLs carry their
    # secret in the path): read only through campaigns.credentials, set only through
    # organization_set_webhook, shown masked. Excluded from history like credentials.
    webhook_url_ciphertext = models.TextField(blank=True, default="", editable=False)
    # The organization's own kill switch (its admins flip it; the global one is
    # ExecutionSwitch, for Spectra's operators). History says who and why.
    execution_enabled = models.BooleanField(
        default=True, help_text="Off: Spectra writes nothing to this organization's platforms."
    )
    # Quotas keep one tenant from crowding out the others (API, accounts, workers).
    api_requests_per_minute = models.PositiveIntegerField(
        default=600, help_text="API requests per minute across the organization's tokens."
    )
    max_accounts = models.PositiveIntegerField(
        default=50, help_text="Ad accounts the organization may connect."
    )
    max_concurrent_executions = models.PositiveIntegerField(
        default=4, help_text="Execution tasks of this organization running at once."
    )
    max_concurrent_cycles = models.PositiveIntegerField(
        default=2, help_text="Accounts of this organization in the daily cycle at once."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["webhook_url_ciphertext"])

    class Meta:
        ordering = ["name"]
        permissions = [("flip_execution_switch", "Can switch platform writes on or off")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_webhook(self) -> bool:
        return bool(self.webhook_url_ciphertext)


class Role(models.TextChoices):
    # Ordered by power; each role holds every permission of the ones before it.
    VIEWER = "viewer", "Viewer"
    ANALYST = "analyst", "Analyst"
    APPROVER = "approver", "Approver"
    ADMIN = "admin", "Admin"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"
