"""Prompt versions: one row per version, never edited once published."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class PromptStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class PromptVersion(models.Model):
    """A versioned template: its messages, declared variables, the output schema it
    expects, and the model and parameters it was written for.

    A draft may be edited; publishing freezes it (creative.services.prompts). Every AI
    call names the version that produced it, so a generation can always be traced to
    the exact words sent.
    """

    name = models.SlugField(max_length=80, help_text="What the prompt is for, e.g. ad-copy.")
    version = models.PositiveIntegerField()
    system = models.TextField(help_text="The system message.")
    template = models.TextField(
        help_text="The user message; {variable} placeholders, each declared below."
    )
    variables = models.JSONField(default=list, help_text="The names the template uses.")
    schema = models.CharField(
        max_length=80, help_text="The output schema it expects (creative.schemas)."
    )
    model = models.CharField(max_length=120, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True, help_text="e.g. temperature.")
    status = models.CharField(
        max_length=12, choices=PromptStatus.choices, default=PromptStatus.DRAFT
    )
    traffic_share = models.PositiveSmallIntegerField(
        default=100, help_text="Per cent of live calls, when two versions are published."
    )
    notes = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="prompt_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
