"""What every worker must agree on about a platform account's health and budget of calls.

The rows are written only by executors.resilience, each change one
conditional UPDATE, so any number of workers on any number of machines
see the same breaker, the same rate window and the same quota count.
"""

from django.conf import settings
from django.db import models

from campaigns.models import AdAccount, BreakerFields, BreakerState


class CircuitBreaker(BreakerFields):
    """One account's circuit breaker. No row means closed with no failures."""

    account = models.OneToOneField(
        AdAccount, on_delete=models.CASCADE, related_name="circuit_breaker"
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["account__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=BreakerState.values), name="circuitbreaker_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} breaker ({self.get_state_display()})"


class ApiQuotaUsage(models.Model):
    """Operations sent to a platform for one account on one account-local day."""

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="quota_usage")
    day = models.DateField(help_text="In the account's time zone.")
    operations = models.PositiveIntegerField(default=0, help_text="All operations, reads too.")
    mutate_operations = models.PositiveIntegerField(
        default=0, help_text="Of those, the ones that change something on the platform."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "account__name"]
        verbose_name = "API quota usage"
        verbose_name_plural = "API quota usage"
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="apiquotausage_unique"),
            models.CheckConstraint(
                condition=models.Q(mutate_operations__lte=models.F("operations")),
                name="apiquotausage_mutate_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} on {self.day}: {self.operations} operations"


class RateLimitWindow(models.Model):
    """The operations one account has sent in the current one-second window.

    Used only when the cache cannot increment atomically (Django's
    DatabaseCache, the embedded default); see executors.resilience.ratelimit.
    One row per account, reused window after window.
    """

    account = models.OneToOneField(
        AdAccount, on_delete=models.CASCADE, primary_key=True, related_name="rate_limit_window"
    )
    window = models.BigIntegerField(help_text="Unix time, in whole seconds, the window began.")
    operations = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account}: {self.operations} operations in window {self.window}"
