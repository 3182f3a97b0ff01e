"""One proposed change to one campaign, ad group or audience, and its fate."""

import uuid

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from campaigns.models.accounts import AdAccount
from campaigns.models.campaigns import AdGroup, Audience, Campaign
from campaigns.models.change_sets import ChangeSet


class RecommendationKind(models.TextChoices):
    BUDGET = "budget", "Budget change"
    BID = "bid", "Bid change"
    AUDIENCE_ACTIVATE = "audience_activate", "Activate audience"
    AUDIENCE_SUPPRESS = "audience_suppress", "Suppress audience"
    PAUSE = "pause", "Pause campaign"
    RESUME = "resume", "Resume campaign"
    # Structure and copy (a version's rollback restores them; campaigns.versions).
    KEYWORD_ADD = "keyword_add", "Add keyword"
    KEYWORD_REMOVE = "keyword_remove", "Remove keyword"
    AD_REPLACE = "ad_replace", "Replace ad copy"
    AD_GROUP_PAUSE = "ad_group_pause", "Pause ad group"
    AD_GROUP_RESUME = "ad_group_resume", "Resume ad group"
    # A search term that spends without converting, kept out (undone by KEYWORD_REMOVE).
    NEGATIVE_KEYWORD = "negative_keyword", "Add negative keyword"


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    EXECUTING = "executing", "Executing"
    EXECUTED = "executed", "Executed"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked by a guardrail"
    SIMULATED = "simulated", "Simulated (dry run)"
    ROLLED_BACK = "rolled_back", "Rolled back"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Source(models.TextChoices):
    OPTIMIZER = "optimizer", "Optimiser"
    PERSON = "person", "A person"
    ROLLBACK = "rollback", "Rollback"
    SPEND_LIMIT = "spend_limit", "Spend-limit enforcement"


K = RecommendationKind
R = RecommendationStatus
TERMINAL_STATUSES = [R.REJECTED, R.EXPIRED, R.EXECUTED, R.SIMULATED, R.ROLLED_BACK]


class Recommendation(ConcurrentTransitionMixin, models.Model):
    account = models.ForeignKey(AdAccount, on_delete=models.CASCADE, related_name="recommendations")
    # Audiences are account-level segments, so audience changes name no campaign.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    ad_group = models.ForeignKey(
        AdGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    audience = models.ForeignKey(
        Audience, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    kind = models.CharField(max_length=24, choices=K.choices)
    status = FSMField(default=R.PROPOSED, choices=R.choices, protected=True, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OPTIMIZER)

    current_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    proposed_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.TextField(help_text="Why, in words a reviewer can check.")
    evidence = models.JSONField(default=dict, blank=True)
    # What a keyword or ad change writes (the keyword, or the ad's assets), in
    # Spectra's terms; budget, bid, status and audience changes have none.
    structure = models.JSONField(null=True, blank=True)
    confidence = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    expected_impact = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Expected change in daily conversion value, account currency.",
    )
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    requires_approval = models.BooleanField(default=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Which optimisation proposed it (null for rollbacks and person-made changes).
    # A string reference: campaigns must not import the optimiser.
    run = models.ForeignKey(
        "optimizer.OptimizationRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    rollback_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rollbacks"
    )
    # A leg of a reallocation: decided with the other legs of its set, never alone.
    change_set = models.ForeignKey(
        ChangeSet, on_delete=models.RESTRICT, null=True, blank=True, related_name="legs"
    )

    # Execution bookkeeping (written by the executor through services).
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when transient trouble (429, an open breaker, the rate limit, the quota) held
    # an approved change back: it stays APPROVED and is tried again from then on.
    not_before = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    outcome_detail = models.TextField(blank=True, help_text="Platform answer or block reason.")
    simulated_request = models.JSONField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=K.values), name="recommendation_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=R.values), name="recommendation_status_valid"
            ),
            # Each kind names the object it acts on.
            models.CheckConstraint(
                condition=~models.Q(kind=K.BID) | models.Q(ad_group__isnull=False),
                name="recommendation_bid_has_ad_group",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS])
                | models.Q(campaign__isnull=False),
                name="recommendation_campaign_unless_audience",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS])
                | models.Q(audience__isnull=False),
                name="recommendation_audience_has_audience",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[K.BUDGET, K.BID])
                | models.Q(proposed_value__isnull=False, proposed_value__gte=0),
                name="recommendation_value_present_non_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    kind__in=[K.KEYWORD_ADD, K.KEYWORD_REMOVE, K.AD_REPLACE, K.NEGATIVE_KEYWORD]
                )
                | models.Q(structure__isnull=False, campaign__isnull=False),
                name="recommendation_structure_present",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[K.AD_REPLACE, K.AD_GROUP_PAUSE, K.AD_GROUP_RESUME])
                | models.Q(ad_group__isnull=False),
                name="recommendation_ad_group_change_has_ad_group",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True)
                | models.Q(confidence__gte=0, confidence__lte=1),
                name="recommendation_confidence_0_1",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "-created_at"], name="recommendation_queue"),
            # The approval queue across accounts, newest first: without it a tenant with
            # few pending rows among a million walks the whole created_at index.
            models.Index(
                fields=["-created_at"],
                condition=models.Q(status=R.PROPOSED),
                name="recommendation_pending",
            ),
        ]
        permissions = [
            ("approve_recommendation", "Can approve recommendations"),
            ("reject_recommendation", "Can reject recommendations"),
            ("rollback_recommendation", "Can roll back executed changes"),
        ]

    def __str__(self) -> str:
        target = self.campaign or self.audience
        return f"{self.get_kind_display()} · {target} ({self.get_status_display()})"

    @property
    def change_pct(self):
        if self.current_value in (None, 0) or self.proposed_value is None:
            return None
        return (self.proposed_value - self.current_value) / self.current_value * 100

    # --- state machine (called only by campaigns.services.recommendations) ---
    @transition(status, source=R.PROPOSED, target=R.APPROVED, custom={"label": "Approve"})
    def approve(self):
        pass

    @transition(status, source=R.PROPOSED, target=R.REJECTED, custom={"label": "Reject"})
    def reject(self):
        pass

    @transition(status, source=R.PROPOSED, target=R.EXPIRED, custom={"admin": False})
    def expire(self):
        pass

    @transition(status, source=R.APPROVED, target=R.EXECUTING, custom={"admin": False})
    def start_execution(self):
        pass

    @transition(status, source=R.EXECUTING, target=R.EXECUTED, custom={"admin": False})
    def mark_executed(self):
        pass

    @transition(status, source=R.EXECUTING, target=R.FAILED, custom={"admin": False})
    def mark_failed(self):
        pass

    @transition(status, source=R.APPROVED, target=R.BLOCKED, custom={"admin": False})
    def block(self):
        pass

    @transition(status, source=R.APPROVED, target=R.SIMULATED, custom={"admin": False})
    def mark_simulated(self):
        pass

    @transition(
        status, source=[R.FAILED, R.BLOCKED], target=R.APPROVED, custom={"label": "Re-queue"}
    )
    def requeue(self):
        pass

    @transition(status, source=R.EXECUTING, target=R.APPROVED, custom={"admin": False})
    def wait(self):
        """The platform refused for now (429, quota) and nothing was applied: try later."""

    @transition(status, source=R.APPROVED, target=R.EXPIRED, custom={"admin": False})
    def expire_waiting(self):
        """Transient trouble outlasted the change's expiry: it is no longer wanted."""

    @transition(status, source=R.EXECUTED, target=R.ROLLED_BACK, custom={"admin": False})
    def mark_rolled_back(self):
        pass
