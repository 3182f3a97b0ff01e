"""The global execution switch: one row, flipped by an admin, with its history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ExecutionSwitch(models.Model):
    """Whether Spectra may write to any platform at all (the console's kill switch).

    A single row (pk=1), global: only Spectra's operators (superusers) flip it;
    each organization has its own switch for its admins. The environment's
    `SPECTRA_EXECUTION_ENABLED=false` still wins: an operator can stop writes
    without a database, a person can stop them without a deploy. Every flip is
    a history record naming who and why.
    """

    SINGLETON_PK = 1

    enabled = models.BooleanField(default=True)
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "execution switch"
        verbose_name_plural = "execution switch"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="execution_switch_singleton")
        ]

    def __str__(self) -> str:
        return "Platform writes ON" if self.enabled else "Platform writes OFF (kill switch)"
