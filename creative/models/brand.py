"""An organization's brand rules: what its copy must never say, and must say."""

from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models import Organization

# Claims a regulator or a platform asks to be substantiated; used unless the
# organization sets its own list.
DEFAULT_CLAIMS = [
    "best",
    "#1",
    "number one",
    "cheapest",
    "guaranteed",
    "guarantee",
    "cure",
    "clinically proven",
    "risk-free",
    "100%",
]


class BrandRules(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="brand_rules"
    )
    banned_terms = models.JSONField(default=list, blank=True)
    required_terms = models.JSONField(
        default=list, blank=True, help_text="Each ad must carry at least one of these."
    )
    competitor_names = models.JSONField(default=list, blank=True)
    claims_needing_substantiation = models.JSONField(default=list, blank=True)
    tone = models.TextField(blank=True, default="", help_text="Told to the judge in words.")
    history = HistoricalRecords()

    class Meta:
        verbose_name, verbose_name_plural = "brand rules", "brand rules"

    def __str__(self) -> str:
        return f"brand rules of {self.organization}"

    @property
    def claims(self) -> list[str]:
        return self.claims_needing_substantiation or DEFAULT_CLAIMS
