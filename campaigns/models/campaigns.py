"""Campaigns, their ad groups and the account's audiences.

The campaign's `status` is a protected FSM field: it moves only through the
transition methods below, and those are called only by campaigns.services.
"""

from decimal import Decimal

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from campaigns.models.accounts import AdAccount
from campaigns.models.guards import RefuseUnsavedCopies

ZERO = Decimal("0")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    GENERATING_ASSETS = "generating_assets", "Generating assets"
    PENDING_DEPLOYMENT = "pending_deployment", "Pending deployment"
    DEPLOYING = "deploying", "Deploying"
    ACTIVE = "active", "Active"
    OPTIMIZING = "optimizing", "Optimizing (a change is being written)"
    PAUSED = "paused", "Paused"
    FAILED = "failed", "Failed"
    ARCHIVED = "archived", "Archived"


S = CampaignStatus
NOT_ARCHIVED = [s for s in S.values if s != S.ARCHIVED]


class BudgetPool(models.Model):
    """Campaigns of one account that share a budget: reallocation keeps their total.

    Campaigns in no pool form the account's default portfolio.
    """

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="budget_pools")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="budgetpool_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(RefuseUnsavedCopies, ConcurrentTransitionMixin, models.Model):
    account = models.ForeignKey(AdAccount, on_delete=models.PROTECT, related_name="campaigns")
    budget_pool = models.ForeignKey(
        BudgetPool, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    external_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255)
    status = FSMField(default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    daily_budget = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    max_daily_spend = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Pause the campaign when today's spend passes this.",
    )
    total_spend_limit = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Pause the campaign when its lifetime spend passes this.",
    )
    spend_to_date = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    spend_today = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    target_roas = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    target_cpa = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_pinned = models.BooleanField(
        default=False, help_text="Pinned campaigns are left alone by the optimiser."
    )
    last_significant_change_at = models.DateTimeField(null=True, blank=True)
    # Set by the experiments service while the campaign is in a control arm (or a held
    # switchback period): Spectra still proposes for it, the executor does not write.
    experiment_hold = models.CharField(max_length=200, blank=True, default="", editable=False)
    # The OPTIMIZING state is the campaign lock; its lease lets recovery free a
    # campaign whose writer died.
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Spend counters move every sync; a version is about settings, not spend.
    history = HistoricalRecords(excluded_fields=["spend_to_date", "spend_today", "experiment_hold"])

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            # A launch's campaign has no platform id until the platform created it.
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="campaign_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=S.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(daily_budget__gte=0), name="campaign_budget_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(max_daily_spend__isnull=True) | models.Q(max_daily_spend__gt=0),
                name="campaign_max_daily_spend_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(total_spend_limit__isnull=True)
                | models.Q(total_spend_limit__gt=0),
                name="campaign_total_spend_limit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(spend_to_date__gte=0) & models.Q(spend_today__gte=0),
                name="campaign_spend_non_negative",
            ),
            models.CheckConstraint(
                condition=(models.Q(target_roas__isnull=True) | models.Q(target_roas__gt=0))
                & (models.Q(target_cpa__isnull=True) | models.Q(target_cpa__gt=0)),
                name="campaign_targets_positive",
            ),
        ]
        permissions = [
            ("transition_campaign", "Can pause, resume and move a campaign through its states"),
            ("change_spend_limits", "Can change a campaign's spend limits, targets and pin"),
        ]

    def __str__(self) -> str:
        return self.name

    # --- state machine -------------------------------------------------------
    # Bodies are empty on purpose: side effects (locks, history, platform
    # writes, the launch's generation and deployment) belong to the services
    # that call these; the launch's are campaigns.services.launches.

    @transition(
        status, source=S.DRAFT, target=S.GENERATING_ASSETS, custom={"label": "Generate assets"}
    )
    def start_asset_generation(self):
        pass

    @transition(
        status,
        source=S.GENERATING_ASSETS,
        target=S.PENDING_DEPLOYMENT,
        custom={"label": "Assets ready", "admin": False},
    )
    def mark_assets_ready(self):
        pass

    @transition(
        status,
        source=S.PENDING_DEPLOYMENT,
        target=S.DEPLOYING,
        custom={"label": "Deploy", "admin": False},
    )
    def start_deployment(self):
        pass

    @transition(
        status, source=S.DEPLOYING, target=S.ACTIVE, custom={"label": "Deployed", "admin": False}
    )
    def mark_deployed(self):
        pass

    # A dry-run account's deployment writes nothing: the requests it would have
    # sent are logged and the launch waits for review again.
    @transition(
        status,
        source=S.DEPLOYING,
        target=S.PENDING_DEPLOYMENT,
        custom={"label": "Simulated", "admin": False},
    )
    def mark_deployment_simulated(self):
        pass

    @transition(
        status,
        source=[S.GENERATING_ASSETS, S.DEPLOYING],
        target=S.FAILED,
        custom={"label": "Mark failed", "admin": False},
    )
    def fail(self):
        pass

    @transition(status, source=S.FAILED, target=S.DRAFT, custom={"label": "Back to draft"})
    def reset_to_draft(self):
        pass

    @transition(status, source=S.ACTIVE, target=S.OPTIMIZING, custom={"admin": False})
    def lock_for_change(self):
        pass

    @transition(status, source=S.OPTIMIZING, target=S.ACTIVE, custom={"admin": False})
    def unlock_after_change(self):
        pass

    @transition(status, source=[S.ACTIVE, S.OPTIMIZING], target=S.PAUSED, custom={"label": "Pause"})
    def pause(self):
        pass

    @transition(status, source=S.PAUSED, target=S.ACTIVE, custom={"label": "Resume"})
    def resume(self):
        pass

    @transition(status, source=NOT_ARCHIVED, target=S.ARCHIVED, custom={"label": "Archive"})
    def archive(self):
        pass


class AdGroupStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class AdGroup(RefuseUnsavedCopies, models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ad_groups")
    external_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=AdGroupStatus.choices, default=AdGroupStatus.ACTIVE
    )
    bid = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "external_id"],
                condition=~models.Q(external_id=""),
                name="adgroup_unique",
            ),
            models.CheckConstraint(condition=models.Q(bid__gte=0), name="adgroup_bid_non_negative"),
            models.CheckConstraint(
                condition=models.Q(quality_score__isnull=True)
                | models.Q(quality_score__gte=1, quality_score__lte=10),
                name="adgroup_quality_score_1_10",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AdGroupStatus.values), name="adgroup_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AudienceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUPPRESSED = "suppressed", "Suppressed"


class Audience(RefuseUnsavedCopies, models.Model):
    """A platform segment (Adobe RT-CDP) that can be activated or suppressed."""

    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="audiences")
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=AudienceStatus.choices, default=AudienceStatus.ACTIVE
    )
    intent_score = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    fatigue_score = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    estimated_profiles = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="audience_unique"),
            models.CheckConstraint(
                condition=models.Q(intent_score__gte=0, intent_score__lte=100)
                & models.Q(fatigue_score__gte=0, fatigue_score__lte=100),
                name="audience_scores_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AudienceStatus.values), name="audience_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name
