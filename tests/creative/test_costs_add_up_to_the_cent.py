"""A month of calls costs, to the cent, what the usage the provider reported costs."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from creative.fallbacks import fallback_ad_copy
from creative.models import AICall, Purpose
from creative.services.generate import generate
from creative.services.images import generate_images
from tests.creative.conftest import BRIEF, sandbox_log


def test_fifty_calls_with_faults_bill_exactly_the_reported_usage(llm, alice):
    llm.set_faults(mix={"invalid_json": 0.2, "500": 0.1}, seed=3)
    for i in range(40):
        generate(
            organization_id=alice.org.pk,
            purpose=Purpose.COPY,
            prompt="ad-copy",
            variables={**BRIEF, "theme": f"theme {i}"},
            fallback=fallback_ad_copy,
        )
    for i in range(10):
        generate_images(organization_id=alice.org.pk, prompt=f"trail shoes {i}", size="64x64")

    reported = sandbox_log(llm)
    tokens_in = sum(r.get("prompt_tokens", 0) for r in reported)
    tokens_out = sum(r.get("completion_tokens", 0) for r in reported)
    images = sum(r.get("images", 0) for r in reported)
    expected = (
        Decimal(tokens_in) * Decimal("0.40") / 1_000_000
        + Decimal(tokens_out) * Decimal("1.60") / 1_000_000
        + images * Decimal("0.04")
    )
    billed = AICall.objects.aggregate(
        cost=Sum("cost"), i=Sum("input_tokens"), o=Sum("output_tokens"), n=Sum("images")
    )
    assert (billed["i"], billed["o"], billed["n"]) == (tokens_in, tokens_out, images)
    cent = Decimal("0.01")
    assert billed["cost"].quantize(cent, ROUND_HALF_UP) == expected.quantize(cent, ROUND_HALF_UP)
    # Every request the provider saw is on a row; unanswered attempts too (at zero).
    assert AICall.objects.count() >= len(reported)
