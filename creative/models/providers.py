"""Where an organization's AI calls go, what they may cost a month, and the provider's
health as every worker sees it."""

from decimal import Decimal

from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from simple_history.models import HistoricalRecords

from campaigns.models import BreakerFields, BreakerState, Organization
from campaigns.urlpolicy import validate_llm_api_url


class AIProvider(models.Model):
    """An OpenAI-compatible endpoint: OpenAI, Gemini's OpenAI endpoint, Azure OpenAI,
    Anthropic's compatible endpoint, vLLM, Ollama, llama.cpp — or Spectra's sandbox.

    The API key is stored encrypted (campaigns.credentials), written only through
    `provider_set_key`, never shown, logged or kept in history; changing where the key
    goes (the base URL) clears it, so it must be entered again.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="ai_providers"
    )
    name = models.CharField(max_length=80)
    base_url = models.URLField(
        max_length=300,
        validators=[URLValidator(schemes=["http", "https"]), validate_llm_api_url],
        help_text="The API root, e.g. https://api.openai.com/v1 or "
        "https://generativelanguage.googleapis.com/v1beta/openai/.",
    )
    chat_model = models.CharField(max_length=120, help_text="e.g. gpt-4.1-mini, gemini-2.5-flash")
    image_model = models.CharField(max_length=120, blank=True, default="")
    api_key_ciphertext = models.TextField(blank=True, default="", editable=False)
    supports_json_schema = models.BooleanField(
        default=True,
        help_text="Structured output with a JSON schema (response_format json_schema); "
        "off: JSON mode and validation only.",
    )
    timeout_seconds = models.FloatField(default=60.0, validators=[MinValueValidator(1.0)])
    max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    requests_per_minute = models.PositiveIntegerField(default=60, validators=[MinValueValidator(1)])
    context_tokens = models.PositiveIntegerField(
        default=128_000, help_text="The model's context window, in tokens."
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["api_key_ciphertext"])

    class Meta:
        verbose_name, verbose_name_plural = "AI provider", "AI providers"
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="ai_provider_name"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_default=True),
                name="ai_provider_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.chat_model})"

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_ciphertext)


class AISettings(models.Model):
    """An organization's monthly AI budget (in the price table's currency, USD)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="ai_settings"
    )
    monthly_budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="USD a month; past it, generation waits and the admins are alerted.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name, verbose_name_plural = "AI settings", "AI settings"

    def __str__(self) -> str:
        return f"AI settings of {self.organization}"


class ProviderHealth(BreakerFields):
    """One row per provider endpoint, shared by every worker: a circuit breaker (the
    same engine and fields as a platform account's: campaigns.circuit_breaker) and a
    one-minute request window, changed only by conditional UPDATEs (creative.llm.health).
    `scope` names the endpoint: a provider row ("provider:12") or the environment's
    ("environment")."""

    scope = models.CharField(max_length=80, unique=True)
    window = models.BigIntegerField(default=0)  # Unix minute
    window_requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=BreakerState.values),
                name="providerhealth_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"health of {self.scope}"
