"""A provider's key is stored encrypted, never shown or kept in history or errors;
moving the provider elsewhere drops it; one organization never uses another's."""

import pytest

from creative.fallbacks import fallback_ad_copy
from creative.llm.endpoint import endpoint_for
from creative.llm.errors import AIRefused
from creative.models import AICall, AIProvider, Purpose
from creative.services.generate import generate
from creative.services.providers import provider_save
from tests.creative.conftest import BRIEF

KEY = "sk-alice-very-secret-0123456789"


def _provider(org, admin, base_url, key=KEY):
    provider = AIProvider(
        organization=org,
        name="main",
        base_url=base_url,
        chat_model="sandbox-writer",
        is_default=True,
    )
    return provider_save(provider=provider, actor=admin, api_key=key)


def test_the_key_is_encrypted_and_not_in_history(llm, alice):
    provider = _provider(alice.org, alice.admin, llm.base_url)

    assert KEY not in provider.api_key_ciphertext
    assert endpoint_for(alice.org.pk).api_key == KEY
    assert KEY not in repr(endpoint_for(alice.org.pk))
    assert not hasattr(provider.history.first(), "api_key_ciphertext")


def test_a_refused_key_leaves_no_trace_of_itself(llm, alice):
    _provider(alice.org, alice.admin, llm.base_url)  # the sandbox wants sk-sandbox

    with pytest.raises(AIRefused) as refused:
        generate(
            organization_id=alice.org.pk,
            purpose=Purpose.COPY,
            prompt="ad-copy",
            variables=BRIEF,
            fallback=fallback_ad_copy,
        )

    assert KEY not in str(refused.value)
    assert KEY not in AICall.objects.get().detail


def test_changing_where_the_key_goes_clears_it(llm, alice):
    provider = _provider(alice.org, alice.admin, llm.base_url)
    provider.base_url = "https://api.openai.com/v1"

    provider_save(provider=provider, actor=alice.admin)

    provider.refresh_from_db()
    assert not provider.has_key


def test_bob_never_uses_alices_provider(llm, alice, bob):
    _provider(alice.org, alice.admin, llm.base_url)

    assert endpoint_for(bob.org.pk).scope == "environment"
    assert endpoint_for(bob.org.pk).api_key != KEY


def test_only_an_admin_of_the_organization_sets_its_provider(llm, alice, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _provider(alice.org, bob.admin, llm.base_url)
    with pytest.raises(PermissionDenied):
        _provider(alice.org, alice.approver, llm.base_url)


def test_a_provider_url_off_the_allow_list_is_refused(settings, alice):
    from django.core.exceptions import ValidationError

    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False
    with pytest.raises(ValidationError, match="not allowed"):
        _provider(alice.org, alice.admin, "http://127.0.0.1:9/v1")
