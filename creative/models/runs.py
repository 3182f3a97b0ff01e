"""A prompt version's run over the golden briefs: its pass rates, kept to compare."""

from django.conf import settings
from django.db import models

from creative.models.prompts import PromptVersion


class PromptTestRun(models.Model):
    version = models.ForeignKey(PromptVersion, on_delete=models.CASCADE, related_name="test_runs")
    cases = models.PositiveIntegerField()
    valid_first_time = models.PositiveIntegerField(help_text="Valid without a repair.")
    schema_valid = models.PositiveIntegerField(help_text="Valid, with at most one repair.")
    within_limits = models.PositiveIntegerField()
    brand_safe = models.PositiveIntegerField(help_text="Passed the brand-safety rules.")
    expectations_met = models.PositiveIntegerField()
    results = models.JSONField(default=list, help_text="Per case: what happened and why.")
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version} on {self.cases} golden cases"

    def rate(self, field: str) -> float:
        return getattr(self, field) / self.cases if self.cases else 0.0

    @property
    def ratings(self) -> list[int]:
        return [r["rating"] for r in self.results if r.get("rating")]

    @property
    def human_rating(self) -> float | None:
        """The mean of the people's 1–5 ratings, where cases were rated."""
        ratings = self.ratings
        return sum(ratings) / len(ratings) if ratings else None
