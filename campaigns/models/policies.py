"""Guardrail policies: the limits every proposal and every execution obeys."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models.accounts import AdAccount
from campaigns.models.guards import RefuseUnsavedCopies
from campaigns.models.tenancy import Organization

# The settings that become a time or a count, and the values that make sense for
# them. Unbounded, a recommendation_ttl_hours of 2**31 - 1 was accepted and then
# every proposal of the policy failed (now + that many hours is past year 9999).
BOUNDS = {
    "cooldown_hours": (0, 24 * 30),  # at most one significant change a month
    "recommendation_ttl_hours": (1, 24 * 30),  # a proposal waits an hour to a month
    "conversion_lag_days": (0, 90),  # the platforms' longest attribution window
    "max_changes_per_run": (1, 10_000),  # one Google Ads mutate batch; empty: no limit
    "min_clicks": (0, 10_000_000),
    "min_conversions": (0, 1_000_000),
}


def _in_bounds(name: str) -> list:
    low, high = BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _bounds_constraint(name: str, *, nullable: bool = False) -> models.CheckConstraint:
    low, high = BOUNDS[name]
    condition = models.Q(**{f"{name}__gte": low, f"{name}__lte": high})
    if nullable:
        condition |= models.Q(**{f"{name}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"policy_{name}_in_bounds")


class GuardrailPolicy(RefuseUnsavedCopies, models.Model):
    """Thresholds per organization, optionally overridden for one account.

    Defaults come from the design seeds: +30 % budget cap, ₹100 floor,
    budget neutrality, one significant change per campaign per 72 h,
    fatigue > 80 suppresses. `version` increments on every change so a
    recommendation records the exact policy it was judged under.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="policies"
    )
    account = models.OneToOneField(
        AdAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policy",
        help_text="Empty: the organization's default. Set: overrides it for one account.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    max_budget_increase_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("30")
    )
    max_budget_decrease_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("30")
    )
    budget_floor = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("100"),
        help_text="In the account's currency.",
    )
    budget_neutrality = models.BooleanField(
        default=True, help_text="Reallocations keep the portfolio total unchanged to the cent."
    )
    max_bid_change_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    approval_threshold_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        help_text="Changes larger than this (percent of current value) need a person.",
    )
    require_manual_approval = models.BooleanField(
        default=False, help_text="Every change needs a person, whatever the account's autonomy."
    )
    cooldown_hours = models.PositiveIntegerField(
        default=72, validators=_in_bounds("cooldown_hours")
    )
    max_changes_per_run = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=50,
        validators=_in_bounds("max_changes_per_run"),
        help_text="Empty: no limit.",
    )
    significance_level = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.050")
    )
    min_clicks = models.PositiveIntegerField(default=100, validators=_in_bounds("min_clicks"))
    min_conversions = models.PositiveIntegerField(
        default=20, validators=_in_bounds("min_conversions")
    )
    conversion_lag_days = models.PositiveSmallIntegerField(
        default=7, validators=_in_bounds("conversion_lag_days")
    )
    fatigue_suppress_threshold = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("80")
    )
    intent_activate_threshold = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("70")
    )
    activate_max_fatigue = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("50")
    )
    recommendation_ttl_hours = models.PositiveIntegerField(
        default=48, validators=_in_bounds("recommendation_ttl_hours")
    )
    max_launch_daily_budget = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The largest daily budget a brief may ask for, in the account's currency. "
        "Empty: no limit beyond the account's.",
    )
    launch_requires_approval = models.BooleanField(
        default=True,
        help_text="A person (approver) approves every launch. Off: a launch whose every asset "
        "is safe and none came from a fallback deploys on its own.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "guardrail policies"
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(account=None),
                name="policy_one_default_per_org",
            ),
            models.CheckConstraint(
                condition=models.Q(max_budget_increase_pct__gte=0, max_budget_increase_pct__lte=100)
                & models.Q(max_budget_decrease_pct__gte=0, max_budget_decrease_pct__lte=100)
                & models.Q(max_bid_change_pct__gte=0, max_bid_change_pct__lte=100)
                & models.Q(approval_threshold_pct__gte=0),
                name="policy_percentages_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_floor__gte=0), name="policy_floor_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(significance_level__gt=0, significance_level__lt=1),
                name="policy_significance_in_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    fatigue_suppress_threshold__gte=0, fatigue_suppress_threshold__lte=100
                )
                & models.Q(intent_activate_threshold__gte=0, intent_activate_threshold__lte=100)
                & models.Q(activate_max_fatigue__gte=0, activate_max_fatigue__lte=100),
                name="policy_scores_0_100",
            ),
            _bounds_constraint("cooldown_hours"),
            _bounds_constraint("recommendation_ttl_hours"),
            _bounds_constraint("conversion_lag_days"),
            _bounds_constraint("max_changes_per_run", nullable=True),
            _bounds_constraint("min_clicks"),
            _bounds_constraint("min_conversions"),
        ]

    def __str__(self) -> str:
        scope = self.account or f"{self.organization} (default)"
        return f"Policy v{self.version} · {scope}"
