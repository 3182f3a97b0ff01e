"""Every AI call, one append-only row: who, what for, which model and prompt, the tokens
the provider reported, how it ended and what it cost."""

from django.db import models

from campaigns.models import Campaign, Organization
from creative.models.prices import ModelPrice
from creative.models.prompts import PromptVersion


class Purpose(models.TextChoices):
    STRATEGY = "strategy", "Strategy"
    COPY = "copy", "Ad copy"
    IMAGE = "image", "Image"
    SAFETY = "safety", "Brand-safety judge"
    SUMMARY = "summary", "History summary"
    TEST = "test", "Prompt test"


class CallOutcome(models.TextChoices):
    OK = "ok", "Valid answer"
    REPAIRED = "repaired", "Valid after a repair"
    INVALID = "invalid", "Invalid answer"  # a repair (or the fallback) follows
    REFUSED = "refused", "Refused by the model"
    TRUNCATED = "truncated", "Cut at the length limit"
    ERROR = "error", "Provider error"
    RATE_LIMITED = "rate_limited", "Rate limited"
    TIMEOUT = "timeout", "Timed out"
    BREAKER_OPEN = "breaker_open", "Not sent: provider unhealthy"
    OVER_BUDGET = "over_budget", "Not sent: monthly AI budget spent"


class AICall(models.Model):
    # None: Spectra's own calls (operators' prompt tests), billed to no organization.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_calls"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    provider_name = models.CharField(max_length=80)
    model = models.CharField(max_length=120)
    prompt_version = models.ForeignKey(
        PromptVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    images = models.PositiveSmallIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=14, choices=CallOutcome.choices)
    detail = models.CharField(max_length=500, blank=True, default="")  # redacted: never a key
    # What the prompt carried beyond the brief (history items verbatim, the summary and
    # how far it reaches, the estimated tokens), so a generation can be explained.
    included = models.JSONField(default=dict, blank=True)
    price = models.ForeignKey(ModelPrice, null=True, blank=True, on_delete=models.PROTECT)
    cost = models.DecimalField(max_digits=14, decimal_places=6, default=0)  # USD
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name, verbose_name_plural = "AI call", "AI calls"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="aicall_org_month"),
            models.Index(fields=["campaign", "purpose"], name="aicall_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.model} · {self.outcome}"


class AISpend(models.Model):
    """An organization's AI cost this month, kept as a running total beside the calls so
    the budget check reads one row, not a month of them (metering.meter adds to it in
    the same transaction as the call's row)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month (UTC).")
    cost = models.DecimalField(max_digits=14, decimal_places=6, default=0)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name, verbose_name_plural = "AI spend", "AI spend"
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="ai_spend_month")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}: ${self.cost}"
