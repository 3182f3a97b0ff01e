"""API tokens: a person's key to the REST API, stored only as a digest.

The secret is shown once, when the token is made; afterwards only its prefix
(to tell tokens apart) and a SHA-256 digest are kept. The secret is 32 random
bytes, so a fast hash is the right one (a slow password hash guards guessable
secrets; this one cannot be guessed) and each request is checked in one
indexed lookup.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'reporting job'."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(help_text="After this the token is refused.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_name_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class OrganizationRequestCount(models.Model):
    """API requests an organization made in one minute, for its quota.

    One row per organization and minute, counted with a conditional UPDATE so
    every worker process shares the count and a request costs the same few
    queries however many organizations its user belongs to. Rows of past
    minutes are deleted when a new minute starts.
    """

    organization = models.ForeignKey(
        "campaigns.Organization", on_delete=models.CASCADE, related_name="+"
    )
    window = models.BigIntegerField(help_text="Minutes since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "window"], name="requestcount_unique_per_minute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} @ minute {self.window}: {self.count}"
