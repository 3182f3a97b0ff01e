"""Images through the provider's Images API, metered like every other call."""

from creative.llm.client import Attempt, image_request, send
from creative.llm.endpoint import endpoint_for
from creative.llm.errors import AIRefused
from creative.metering import CallContext, budget_check, meter
from creative.models import CallOutcome, Purpose


def generate_images(
    *,
    organization_id: int,
    prompt: str,
    campaign_id: int | None = None,
    size: str = "1024x1024",
    n: int = 1,
) -> list[bytes]:
    """PNG bytes of `n` images. Raises AIUnavailable / AIRefused like `generate`; a
    launch that gets either goes on text-only and is flagged for review."""
    endpoint = endpoint_for(organization_id)
    if not endpoint.image_model:
        raise AIRefused(f"{endpoint.name} has no image model set.", outcome=CallOutcome.ERROR)
    context = CallContext(
        organization_id=organization_id,
        purpose=Purpose.IMAGE,
        provider_name=endpoint.name,
        model=endpoint.image_model,
        campaign_id=campaign_id,
    )
    budget_check(context)
    answer = send(
        endpoint,
        image_request(model=endpoint.image_model, prompt=prompt, size=size, n=n),
        meter=lambda attempt: meter(context, attempt),
    )
    meter(
        context,
        Attempt(
            answer.attempt,
            CallOutcome.OK if answer.images else CallOutcome.INVALID,
            answer.latency_ms,
            input_tokens=answer.input_tokens,
            output_tokens=answer.output_tokens,
            images=len(answer.images),
        ),
    )
    return list(answer.images)
