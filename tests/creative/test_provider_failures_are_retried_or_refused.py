"""Timeouts, 429 and 5xx are retried (Retry-After honoured); a refused key is not; a
provider that keeps failing opens its breaker for every worker, and calls stop."""

import pytest

from creative.llm.errors import AIRefused, AIUnavailable
from creative.models import AICall, AIProvider, CallOutcome, ProviderHealth
from creative.services.generate import VALID
from tests.creative.conftest import ad_copy, sandbox_log


def _copy(org):
    return ad_copy(org)


@pytest.mark.parametrize(
    "fault, outcome",
    [
        ("429", CallOutcome.RATE_LIMITED),
        ("500", CallOutcome.ERROR),
        ("503", CallOutcome.ERROR),
        ("502", CallOutcome.ERROR),
    ],
)
def test_a_retryable_failure_is_retried_and_each_attempt_metered(llm, alice, fault, outcome):
    llm.set_faults(next=[fault])

    result = _copy(alice.org)

    assert result.status == VALID
    rows = list(AICall.objects.order_by("pk").values_list("attempt", "outcome", "input_tokens"))
    assert rows[0] == (1, outcome, 0)  # nothing billed for an unanswered attempt
    assert rows[1][:2] == (2, CallOutcome.OK)


def test_a_timeout_is_retried(llm, alice, settings):
    provider = AIProvider.objects.create(
        organization=alice.org,
        name="slow",
        base_url=llm.base_url,
        chat_model="sandbox-writer",
        timeout_seconds=1.0,
        is_default=True,
    )
    from creative.services.providers import provider_save

    provider_save(provider=provider, actor=alice.admin, api_key="sk-sandbox")
    llm.set_faults(next=["timeout"], slowSeconds=2)

    result = _copy(alice.org)

    assert result.status == VALID
    assert list(AICall.objects.order_by("pk").values_list("outcome", flat=True)) == [
        CallOutcome.TIMEOUT,
        CallOutcome.OK,
    ]


def test_a_refused_key_is_not_retried_and_does_not_trip_the_breaker(llm, alice):
    llm.set_faults(next=["401"])

    with pytest.raises(AIRefused, match="refused the request"):
        _copy(alice.org)

    assert list(AICall.objects.values_list("outcome", flat=True)) == [CallOutcome.ERROR]
    assert ProviderHealth.objects.get().consecutive_failures == 0


def test_retries_spent_is_a_clear_error_not_a_fallback(llm, alice):
    llm.set_faults(next=["500", "500", "500"])

    with pytest.raises(AIUnavailable, match="did not answer after 3 attempt"):
        _copy(alice.org)

    assert AICall.objects.count() == 3


def test_a_provider_that_keeps_failing_opens_its_breaker(llm, alice, settings):
    settings.LLM_BREAKER_FAILURES = 3
    llm.set_faults(next=["500", "503", "502"])
    with pytest.raises(AIUnavailable):
        _copy(alice.org)
    asked = len(sandbox_log(llm))

    with pytest.raises(AIUnavailable, match="calls resume at") as refused:
        _copy(alice.org)

    assert refused.value.outcome == CallOutcome.BREAKER_OPEN
    assert refused.value.retry_at is not None
    assert len(sandbox_log(llm)) == asked  # nothing was sent
    assert AICall.objects.filter(outcome=CallOutcome.BREAKER_OPEN).count() == 1


def test_a_full_request_window_waits_or_says_when(llm, alice, settings):
    settings.SPECTRA_LLM_REQUESTS_PER_MINUTE = 1
    settings.LLM_MAX_RETRY_AFTER_S = 0  # do not wait for the next minute: say so
    _copy(alice.org)
    asked = len(sandbox_log(llm))

    with pytest.raises(AIUnavailable, match="1 requests a minute used") as refused:
        _copy(alice.org)

    assert refused.value.outcome == CallOutcome.RATE_LIMITED
    assert len(sandbox_log(llm)) == asked


def test_an_answer_with_nothing_in_it_is_billed_and_retried(llm, alice):
    llm.set_faults(next=["empty"])

    result = _copy(alice.org)

    assert result.status == VALID
    first, second = AICall.objects.order_by("pk")
    assert (first.outcome, second.outcome) == (CallOutcome.ERROR, CallOutcome.OK)
    assert first.input_tokens > 0  # the provider billed the empty answer: so do we
    assert "no choice" in first.detail


def test_an_image_answer_with_no_image_is_retried(llm, alice):
    from creative.services.images import generate_images

    llm.set_faults(next=["empty"])

    images = generate_images(organization_id=alice.org.pk, prompt="trail shoes", size="64x64")

    assert len(images) == 1 and images[0].startswith(b"\x89PNG")
    assert list(AICall.objects.order_by("pk").values_list("outcome", "images")) == [
        (CallOutcome.ERROR, 0),
        (CallOutcome.OK, 1),
    ]
