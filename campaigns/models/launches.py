"""What a launch is made of: the brief, the keywords, the ads and their assets.

These are campaigns' state because three apps share them without calling each
other: `creative` writes them (strategy, copy, images, brand-safety verdicts),
a person reviews them, `executors` creates them on the platform. A row that is
not on the platform yet has an empty `external_id`; deployment fills it once the
platform has confirmed the object, and looks the object up by the name Spectra
gave it before creating it, so a deployment killed half-way creates only the
rest.

Every row reaches its organization through the campaign's account (two joins).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models.campaigns import AdGroup, Campaign
from campaigns.models.guards import RefuseUnsavedCopies


class Objective(models.TextChoices):
    CONVERSIONS = "conversions", "Conversions at a target CPA"
    VALUE = "value", "Conversion value at a target ROAS"


class Brief(RefuseUnsavedCopies, models.Model):
    """What a person asked for; the campaign it launches holds budget and targets."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="brief")
    objective = models.CharField(max_length=16, choices=Objective.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    locations = models.JSONField(
        default=list, help_text="Countries or regions, e.g. ['IN', 'Mumbai']."
    )
    languages = models.JSONField(default=list, help_text="Language codes, e.g. ['en', 'hi'].")
    product = models.CharField(max_length=200)
    landing_url = models.URLField(max_length=2000)
    selling_points = models.JSONField(default=list)
    prices = models.CharField(max_length=300, blank=True)
    audience_notes = models.TextField(blank=True)
    brand_notes = models.TextField(
        blank=True, help_text="Rules for this launch on top of the organization's brand rules."
    )
    excluded_terms = models.JSONField(
        default=list,
        blank=True,
        help_text="Words the offer excludes (e.g. ['free', 'jobs']): search terms with them "
        "are proposed as negative keywords.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What the launch learnt on the way, for the reviewer.
    audience_suggestions = models.JSONField(default=list, blank=True)
    text_only = models.BooleanField(
        default=False, help_text="Images could not be made; the launch goes on with text."
    )
    review_flags = models.JSONField(
        default=list, help_text="Why a person must look: fallbacks, missing images, uncertain."
    )
    failure_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The task layer's bookkeeping (spectra.launch): the step to run next, how often it
    # was tried, when it may run again — while a task runs it, its lease — and the
    # last error. Kept out of history: it changes on every attempt and says nothing
    # a person decided.
    step = models.CharField(
        max_length=16,
        blank=True,
        help_text="The launch step to run next (strategy, copy, images, safety, deploy).",
    )
    step_attempts = models.PositiveSmallIntegerField(default=0)
    step_due_at = models.DateTimeField(null=True, blank=True)
    step_error = models.TextField(blank=True)
    history = HistoricalRecords(
        excluded_fields=["step", "step_attempts", "step_due_at", "step_error"]
    )

    class Meta:
        permissions = [("approve_launch", "Can approve a launch for deployment")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="brief_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(objective__in=Objective.values), name="brief_objective_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Brief for {self.campaign}"


class MatchType(models.TextChoices):
    EXACT = "EXACT", "Exact"
    PHRASE = "PHRASE", "Phrase"
    BROAD = "BROAD", "Broad"


class Keyword(RefuseUnsavedCopies, models.Model):
    """A keyword of an ad group, or a negative of the ad group or the whole campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="keywords")
    ad_group = models.ForeignKey(
        AdGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="keywords",
        help_text="Empty: a negative keyword of the whole campaign.",
    )
    text = models.CharField(max_length=80)
    match_type = models.CharField(max_length=8, choices=MatchType.choices)
    negative = models.BooleanField(default=False)
    external_id = models.CharField(max_length=64, blank=True)
    # The creative.PromptVersion of the strategy that proposed it (an id, as on Asset).
    prompt_version_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign_id", "ad_group_id", "negative", "text"]  # ids: no join loops
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "ad_group", "text", "match_type", "negative"],
                name="keyword_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(ad_group__isnull=False) | models.Q(negative=True),
                name="keyword_campaign_level_only_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(match_type__in=MatchType.values), name="keyword_match_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{'-' if self.negative else ''}{self.text} ({self.match_type.lower()})"


class AdKind(models.TextChoices):
    RESPONSIVE_SEARCH = "rsa", "Responsive search ad"
    DISPLAY = "display", "Display creative"


class Ad(RefuseUnsavedCopies, models.Model):
    """One ad of an ad group: its assets are the headlines, descriptions and image."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ads")
    ad_group = models.ForeignKey(AdGroup, on_delete=models.CASCADE, related_name="ads")
    kind = models.CharField(max_length=8, choices=AdKind.choices)
    final_url = models.URLField(max_length=2000)
    external_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ad_group_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["ad_group", "kind"], name="ad_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=AdKind.values), name="ad_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.ad_group}"


class AssetKind(models.TextChoices):
    HEADLINE = "headline", "Headline"
    DESCRIPTION = "description", "Description"
    IMAGE = "image", "Image"


class Verdict(models.TextChoices):
    """Brand safety: unsafe is never deployable, uncertain needs a person."""

    PENDING = "pending", "Not checked yet"
    SAFE = "safe", "Safe"
    UNCERTAIN = "uncertain", "Uncertain: a person decides"
    UNSAFE = "unsafe", "Unsafe"


class AssetReview(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AssetSource(models.TextChoices):
    GENERATED = "generated", "Generated"
    FALLBACK = "fallback", "Fallback template: needs review"
    EDITED = "edited", "Edited by a person"


class Asset(RefuseUnsavedCopies, models.Model):
    """A headline, a description or an image of one ad, with its safety verdict.

    An edit keeps the asset (history has the original) and sends it back to the
    safety check; a rejected asset is never deployed.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assets")
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=12, choices=AssetKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    source = models.CharField(
        max_length=12, choices=AssetSource.choices, default=AssetSource.GENERATED
    )
    verdict = models.CharField(max_length=12, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_reasons = models.JSONField(default=list, blank=True)
    review = models.CharField(
        max_length=12, choices=AssetReview.choices, default=AssetReview.PROPOSED
    )
    review_note = models.CharField(max_length=500, blank=True)
    # creative.AICall / PromptVersion ids: campaigns cannot point at creative's
    # tables, and a generation's record must outlive edits of the asset.
    prompt_version_id = models.PositiveBigIntegerField(null=True, blank=True)
    call_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ad_id", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ad", "kind", "position"], name="asset_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=AssetKind.values), name="asset_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=Verdict.values), name="asset_verdict_valid"
            ),
            # Nothing unsafe can be approved, whatever path writes the row.
            models.CheckConstraint(
                condition=~models.Q(review="approved", verdict__in=["unsafe", "pending"]),
                name="asset_approved_only_if_checked_and_not_unsafe",
            ),
        ]

    def __str__(self) -> str:
        # A person reads this in problems and history: an image is "Image 2", not its
        # storage path.
        return self.text or f"{self.get_kind_display()} {self.position + 1}"

    @property
    def deployable(self) -> bool:
        """Goes to the platform: not rejected, checked, and safe or passed by a person."""
        if self.review == AssetReview.REJECTED:
            return False
        if self.verdict == Verdict.SAFE:
            return True
        return self.verdict == Verdict.UNCERTAIN and self.review == AssetReview.APPROVED
