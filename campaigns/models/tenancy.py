"""Organizations (tenants) and who belongs to them, with which role."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Organization(models.Model):
    """A client or agency. Every tenant-owned row reaches one of these."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    webhook_url = models.URLField(blank=True, help_text="Optional: alerts are POSTed here.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
