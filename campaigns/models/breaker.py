"""The fields every circuit breaker row has, whatever it guards (a platform account in
executors, an AI provider endpoint in creative). The one engine that moves them is
campaigns.circuit_breaker; the rows are changed only by its conditional UPDATEs."""

from django.db import models


class BreakerState(models.TextChoices):
    CLOSED = "closed", "Closed (calls flow)"
    OPEN = "open", "Open (calls wait)"
    HALF_OPEN = "half_open", "Half-open (one probe call)"


class BreakerFields(models.Model):
    """A breaker's state, shared by every worker through its row. No row: closed."""

    state = models.CharField(
        max_length=16, choices=BreakerState.choices, default=BreakerState.CLOSED
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    failed_probes = models.PositiveIntegerField(
        default=0, help_text="Probes failed since the breaker last closed; each doubles the wait."
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When an open breaker lets one probe call through."
    )
    half_open_probe_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The probe's lease: if it has not reported by then, another caller may probe.",
    )
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
