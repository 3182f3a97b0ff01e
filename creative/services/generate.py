"""Structured generation: a prompt version, a validated answer, one repair, a fallback.

    result = generate(organization_id=…, campaign_id=…, purpose=Purpose.COPY,
                      prompt="ad-copy", variables={…}, fallback=fallback_ad_copy)

The answer is validated against the prompt's declared schema. An invalid one (bad
JSON, missing fields, wrong types, over the length limits, cut short) gets one repair
request carrying the errors; if that fails too, or the model refuses, the
deterministic fallback for that kind is returned, flagged "fallback, needs review".
Half-parsed data is never returned as valid. Every attempt is an AICall row.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from creative.llm.client import Answer, Attempt, chat_request, send
from creative.llm.endpoint import endpoint_for
from creative.metering import CallContext, budget_check, meter
from creative.models import CallOutcome, PromptVersion
from creative.schemas import json_schema_of, schema_named
from creative.services.prompts import prompt_for, prompt_render

VALID, REPAIRED, FALLBACK = "valid", "repaired", "fallback"
MAX_ERRORS_QUOTED = 8


@dataclass
class Generated:
    value: BaseModel
    status: str  # VALID, REPAIRED or FALLBACK ("fallback, needs review")
    prompt_version: PromptVersion
    call_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why it needed a repair or a fallback

    @property
    def needs_review(self) -> bool:
        return self.status == FALLBACK


def _errors(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in error['loc']) or 'answer'}: {error['msg']}"
        for error in exc.errors()[:MAX_ERRORS_QUOTED]
    ]


def judge(answer: Answer, schema: type[BaseModel]) -> tuple[str, BaseModel | None, list[str]]:
    """(outcome, value, problems) for one answer: valid, refused, cut short or invalid."""
    if answer.refusal:
        return CallOutcome.REFUSED, None, [f"the model refused: {answer.refusal[:200]}"]
    if answer.finish_reason == "length":
        return CallOutcome.TRUNCATED, None, ["the answer was cut at the length limit"]
    try:
        return CallOutcome.OK, schema.model_validate_json(answer.content or ""), []
    except ValidationError as exc:
        return CallOutcome.INVALID, None, _errors(exc)


def _response_format(endpoint, schema: type[BaseModel], name: str):
    if endpoint.supports_json_schema:
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": json_schema_of(schema), "strict": True},
        }
    return {"type": "json_object"}


def generate(
    *,
    organization_id: int | None,
    purpose: str,
    prompt: str,
    variables: dict[str, str],
    fallback: Callable[[dict[str, str]], BaseModel],
    campaign_id: int | None = None,
    split_key: str = "",
    version: PromptVersion | None = None,
    included: dict | None = None,
    image: bytes | None = None,
) -> Generated:
    """A validated value of the prompt's schema, or its fallback; see the module doc.

    Raises AIUnavailable when no answer can be had now (breaker, budget, retries spent)
    and AIRefused when the provider refuses the request itself: those are not the
    model's content, and a fallback would hide a broken configuration.

    `version` runs that version (a prompt test) instead of the published one(s);
    `organization_id` None is Spectra's own call, on the environment's provider.
    `included` (from creative.context) is recorded on every call: what history went in.
    `image` (a PNG) is shown to the model with the prompt (a vision judge).
    """
    if version is None:
        version = prompt_for(prompt, key=split_key or str(campaign_id or ""))
    schema = schema_named(version.schema)
    endpoint = endpoint_for(organization_id)
    model = version.model or endpoint.chat_model
    context = CallContext(
        organization_id=organization_id,
        purpose=purpose,
        provider_name=endpoint.name,
        model=model,
        campaign_id=campaign_id,
        prompt_version_id=version.pk,
        included=included,
    )
    call_ids: list[int] = []

    def metered(attempt: Attempt) -> None:
        call_ids.append(meter(context, attempt).pk)

    messages = prompt_render(version, variables, image=image)
    if not endpoint.supports_json_schema:
        # JSON mode only: the schema travels in the system message instead.
        messages[0]["content"] += "\nAnswer with JSON only, matching this JSON schema:\n" + (
            json.dumps(json_schema_of(schema))
        )
    response_format = _response_format(endpoint, schema, version.schema)
    problems: list[str] = []
    for round_ in (1, 2):  # the answer, then at most one repair
        budget_check(context)
        answer = send(
            endpoint,
            chat_request(
                model=model,
                messages=messages,
                response_format=response_format,
                parameters=version.parameters,
            ),
            meter=metered,
        )
        outcome, value, found = judge(answer, schema)
        if outcome == CallOutcome.OK and round_ == 2:
            outcome = CallOutcome.REPAIRED
        metered(
            Attempt(
                answer.attempt,
                outcome,
                answer.latency_ms,
                input_tokens=answer.input_tokens,
                output_tokens=answer.output_tokens,
                detail="; ".join(found)[:500],
            )
        )
        if value is not None:
            status = VALID if round_ == 1 else REPAIRED
            return Generated(value, status, version, call_ids, problems)
        problems += found
        if outcome == CallOutcome.REFUSED:
            break  # asking again to do what it refused to do is not a repair
        messages = [
            *messages,
            {"role": "assistant", "content": answer.content or ""},
            {
                "role": "user",
                "content": "Your answer does not match the required JSON schema:\n- "
                + "\n- ".join(found)
                + "\nAnswer again with the complete JSON object only, within every limit.",
            },
        ]
    return Generated(fallback(variables), FALLBACK, version, call_ids, problems)
