"""Setting up where an organization's AI calls go; the key is write-only."""

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.auth import authorize
from campaigns.credentials import encrypt_secret
from creative.models import AIProvider


def provider_save(*, provider: AIProvider, actor, api_key: str | None = None) -> AIProvider:
    """Create or change a provider (organization admins). A new base URL clears the
    stored key unless a key comes with it: where credentials go may not change without
    entering them again. `api_key` None keeps the key; "" clears it."""
    authorize(actor, "campaigns.change_organization", provider.organization)
    provider.full_clean(exclude=["api_key_ciphertext"])
    with transaction.atomic():
        if provider.pk is not None:
            before = AIProvider.objects.select_for_update().get(pk=provider.pk)
            if before.organization_id != provider.organization_id:
                raise ValidationError("A provider cannot move to another organization.")
            if before.base_url != provider.base_url and api_key is None:
                provider.api_key_ciphertext = ""
        if api_key is not None:
            provider.api_key_ciphertext = encrypt_secret(api_key.strip())
        if provider.is_default:
            AIProvider.objects.filter(
                organization_id=provider.organization_id, is_default=True
            ).exclude(pk=provider.pk).update(is_default=False)
        provider.save()
    return provider
