"""Which endpoint an organization's AI calls go to, with its key, as one value."""

from dataclasses import dataclass, field

from django.conf import settings

from campaigns.credentials import decrypt_secret
from creative.models import AIProvider

ENVIRONMENT_SCOPE = "environment"
SANDBOX_KEY = "sk-sandbox"


@dataclass(frozen=True)
class Endpoint:
    scope: str  # the ProviderHealth row every worker shares for it
    name: str
    base_url: str
    chat_model: str
    image_model: str
    supports_json_schema: bool = True
    timeout_seconds: float = 60.0
    max_attempts: int = 3
    requests_per_minute: int = 60
    context_tokens: int = 128_000
    # Never in repr: an endpoint may be logged or shown in a traceback.
    api_key: str = field(default="", repr=False)


def endpoint_of(provider: AIProvider) -> Endpoint:
    return Endpoint(
        scope=f"provider:{provider.pk}",
        name=provider.name,
        base_url=provider.base_url,
        chat_model=provider.chat_model,
        image_model=provider.image_model,
        supports_json_schema=provider.supports_json_schema,
        timeout_seconds=provider.timeout_seconds,
        max_attempts=provider.max_attempts,
        requests_per_minute=provider.requests_per_minute,
        context_tokens=provider.context_tokens,
        api_key=decrypt_secret(provider.api_key_ciphertext),
    )


def environment_endpoint() -> Endpoint:
    """The deployment's provider (SPECTRA_LLM_*), else the embedded sandbox model."""
    base_url = settings.SPECTRA_LLM_BASE_URL or settings.SANDBOX_LLM_URL
    key = settings.SPECTRA_LLM_API_KEY or ("" if settings.SPECTRA_LLM_BASE_URL else SANDBOX_KEY)
    return Endpoint(
        scope=ENVIRONMENT_SCOPE,
        name="environment" if settings.SPECTRA_LLM_BASE_URL else "sandbox",
        base_url=base_url,
        chat_model=settings.SPECTRA_LLM_MODEL,
        image_model=settings.SPECTRA_LLM_IMAGE_MODEL,
        requests_per_minute=settings.SPECTRA_LLM_REQUESTS_PER_MINUTE,
        api_key=key,
    )


def endpoint_for(organization_id: int | None) -> Endpoint:
    """The organization's default provider, else the environment's (also Spectra's own)."""
    if organization_id is None:
        return environment_endpoint()
    provider = AIProvider.objects.filter(organization_id=organization_id, is_default=True).first()
    return endpoint_of(provider) if provider is not None else environment_endpoint()
