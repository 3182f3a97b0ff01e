"""A generation comes back as its schema, names the product, and costs what the
provider's reported usage costs at the model's price."""

from decimal import Decimal

from creative.fallbacks import fallback_ad_copy
from creative.models import AICall, CallOutcome, Purpose
from creative.schemas import AdCopy
from creative.services.generate import VALID, generate
from tests.creative.conftest import BRIEF, sandbox_log


def test_ad_copy_is_valid_names_the_product_and_is_one_metered_call(llm, alice):
    result = generate(
        organization_id=alice.org.pk,
        campaign_id=alice.campaign.pk,
        purpose=Purpose.COPY,
        prompt="ad-copy",
        variables=BRIEF,
        fallback=fallback_ad_copy,
    )

    assert result.status == VALID and not result.needs_review
    assert isinstance(result.value, AdCopy)
    assert all(len(h) <= 30 for h in result.value.headlines)
    assert any("Trailblazer" in h or "GTX" in h for h in result.value.headlines)
    call = AICall.objects.get()
    reported = sandbox_log(llm)[-1]
    assert (call.input_tokens, call.output_tokens) == (
        reported["prompt_tokens"],
        reported["completion_tokens"],
    )
    assert call.outcome == CallOutcome.OK
    assert call.prompt_version == result.prompt_version
    assert call.campaign_id == alice.campaign.pk
    # sandbox-writer is priced as gpt-4.1-mini: $0.40 in, $1.60 out per million tokens.
    expected = (
        Decimal(call.input_tokens) * Decimal("0.40") + call.output_tokens * Decimal("1.60")
    ) / 1_000_000
    assert call.cost == expected.quantize(Decimal("0.000001"))


def test_the_same_brief_gives_the_same_copy_and_another_brief_other_copy(llm, alice):
    def copy(variables):
        return generate(
            organization_id=alice.org.pk,
            purpose=Purpose.COPY,
            prompt="ad-copy",
            variables=variables,
            fallback=fallback_ad_copy,
        ).value

    assert copy(BRIEF) == copy(BRIEF)
    assert copy(BRIEF) != copy({**BRIEF, "product": "Summit Parka", "theme": "winter parkas"})
