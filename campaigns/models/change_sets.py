"""A reallocation: the budget changes of one pool that only make sense together."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models.accounts import AdAccount
from campaigns.models.campaigns import BudgetPool


class ChangeSetStatus(models.TextChoices):
    # The decision on the set; it moves with its legs' decision, in the same
    # transaction (campaigns.services.change_sets). How far execution got is the
    # legs' own status: a set is never "half approved".
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class ChangeSet(models.Model):
    """The legs of one budget-pool reallocation: approved, rejected or expired as one.

    Budget neutrality is a property of the set, not of any leg: approving the
    increases and rejecting the decreases would raise the pool's total. The
    totals are the sum of the legs' budgets before and after, kept so a
    re-balance or the executor can check them to the cent.
    """

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="change_sets")
    # Null: the account's default portfolio (campaigns in no pool).
    pool = models.ForeignKey(
        BudgetPool, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_sets"
    )
    # A string reference: campaigns must not import the optimiser.
    run = models.ForeignKey(
        "optimizer.OptimizationRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_sets",
    )
    status = models.CharField(
        max_length=16,
        choices=ChangeSetStatus.choices,
        default=ChangeSetStatus.PROPOSED,
        db_index=True,
    )
    total_before = models.DecimalField(max_digits=16, decimal_places=2)
    total_after = models.DecimalField(max_digits=16, decimal_places=2)
    reason = models.TextField(blank=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ChangeSetStatus.values),
                name="changeset_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(total_before__gte=0, total_after__gte=0),
                name="changeset_totals_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "-created_at"], name="changeset_queue"),
        ]

    def __str__(self) -> str:
        pool = self.pool.name if self.pool_id else "default pool"
        return f"Reallocation #{self.pk} · {pool} ({self.get_status_display()})"
