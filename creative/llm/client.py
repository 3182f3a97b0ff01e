"""One call to a model, with the only retry layer the AI calls have.

The official `openai` SDK speaks the Chat Completions and Images APIs to any
OpenAI-compatible endpoint; its own retries are off (`max_retries=0`) so that every
attempt passes the breaker and the request window here and is metered. Retryable:
timeouts, dropped connections, 429 (waiting what Retry-After says, up to
LLM_MAX_RETRY_AFTER_S) and 5xx. Refused at once: 400/401/403/404/422 — the request or
its configuration is wrong and sending it again costs money for nothing.
"""

import dataclasses
import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import openai
from django.conf import settings

from campaigns.redaction import redact_text
from campaigns.urlpolicy import OutboundURLRefused, Purpose, URLPolicy, check_url
from creative.llm import health
from creative.llm.endpoint import Endpoint
from creative.llm.errors import AIRefused, AIUnavailable
from creative.models import CallOutcome

BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 8.0


@dataclass(frozen=True)
class Attempt:
    """What one HTTP attempt cost and how it ended, for the meter."""

    attempt: int
    outcome: str
    latency_ms: int
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    detail: str = ""


@dataclass(frozen=True)
class Answer:
    """A provider's answer that arrived (its content is judged by the caller)."""

    attempt: int
    latency_ms: int
    input_tokens: int
    output_tokens: int
    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    images: tuple[bytes, ...] = ()
    model: str = ""


Meter = Callable[[Attempt], None]


class UnusableAnswer(Exception):
    """A 200 whose body holds nothing to use (no choice, no image): retried like a 5xx,
    and billed for what the provider says it used."""

    def __init__(self, message: str, *, input_tokens: int = 0, output_tokens: int = 0):
        super().__init__(message)
        self.input_tokens, self.output_tokens = input_tokens, output_tokens


_clients: dict[tuple, openai.OpenAI] = {}
_clients_lock = threading.Lock()


def _client(endpoint: Endpoint) -> openai.OpenAI:
    # A process-wide cache is tenant data: keyed by everything that grants access (the
    # URL and a digest of the key), so one organization can never use another's client.
    digest = hashlib.sha256(endpoint.api_key.encode()).hexdigest()
    key = (endpoint.base_url, digest, endpoint.timeout_seconds)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = openai.OpenAI(
                base_url=endpoint.base_url,
                api_key=endpoint.api_key or "none",
                timeout=endpoint.timeout_seconds,
                max_retries=0,
            )
            _clients[key] = client
        return client


def _shown(exc: Exception, endpoint: Endpoint) -> str:
    """An error in words, without the key (providers echo part of a wrong one)."""
    text = f"{type(exc).__name__}: {exc}"
    if endpoint.api_key:
        text = text.replace(endpoint.api_key, "[REDACTED]")
    return redact_text(text)[:300]


def _retry_after(exc: openai.APIStatusError) -> float | None:
    raw = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return max(float(raw), 0.0) if raw is not None else None
    except ValueError:
        return None


def _classify(exc: Exception) -> tuple[str, bool]:
    """(outcome, retryable) for an exception the SDK raised."""
    if isinstance(exc, UnusableAnswer):
        return CallOutcome.ERROR, True
    if isinstance(exc, openai.APITimeoutError):
        return CallOutcome.TIMEOUT, True
    if isinstance(exc, openai.APIConnectionError):
        return CallOutcome.ERROR, True
    if isinstance(exc, openai.RateLimitError):
        return CallOutcome.RATE_LIMITED, True
    if isinstance(exc, openai.APIStatusError):
        return CallOutcome.ERROR, exc.status_code >= 500 or exc.status_code == 408
    if isinstance(exc, openai.APIResponseValidationError):
        return CallOutcome.ERROR, True  # a body that is not the API's shape: a gateway's
    return CallOutcome.ERROR, False


def send(
    endpoint: Endpoint,
    request: Callable[[openai.OpenAI], Answer],
    *,
    meter: Meter,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Run `request` against the endpoint until it answers, within the attempts allowed.

    Every attempt that did not answer is metered here (with zero tokens: the provider
    bills none); the one that answered is returned for the caller to judge and meter.
    """
    try:
        check_url(endpoint.base_url, URLPolicy.for_purposes(Purpose.LLM_API))
    except OutboundURLRefused as exc:
        meter(Attempt(1, CallOutcome.ERROR, 0, detail=f"not sent: {exc.reason}"))
        raise AIRefused(
            f"The provider's URL is not allowed: {exc.reason}.", outcome=CallOutcome.ERROR
        ) from None
    for attempt in range(1, endpoint.max_attempts + 1):
        now = health.now()
        reopen = health.admit(endpoint.scope, now)
        if reopen is not None:
            meter(Attempt(attempt, CallOutcome.BREAKER_OPEN, 0, detail="breaker open"))
            raise AIUnavailable(
                f"{endpoint.name} failed repeatedly; calls resume at {reopen:%H:%M:%S} UTC.",
                outcome=CallOutcome.BREAKER_OPEN,
                retry_at=reopen,
            )
        if not health.take_request(endpoint.scope, endpoint.requests_per_minute, now):
            wait = (health.next_window(now) - now).total_seconds()
            if wait > settings.LLM_MAX_RETRY_AFTER_S:
                meter(Attempt(attempt, CallOutcome.RATE_LIMITED, 0, detail="request window full"))
                raise AIUnavailable(
                    f"{endpoint.name}: {endpoint.requests_per_minute} requests a minute used.",
                    outcome=CallOutcome.RATE_LIMITED,
                    retry_at=health.next_window(now),
                )
            sleep(wait)
        started = time.monotonic()
        try:
            answer = request(_client(endpoint))
        except (openai.OpenAIError, UnusableAnswer) as exc:
            latency = int((time.monotonic() - started) * 1000)
            outcome, retryable = _classify(exc)
            detail = _shown(exc, endpoint)
            meter(
                Attempt(
                    attempt,
                    outcome,
                    latency,
                    input_tokens=getattr(exc, "input_tokens", 0),
                    output_tokens=getattr(exc, "output_tokens", 0),
                    detail=detail,
                )
            )
            if not retryable:
                raise AIRefused(
                    f"{endpoint.name} refused the request: {detail}", outcome=outcome
                ) from None
            health.record_failure(endpoint.scope, detail, health.now())
            wait = _backoff(attempt, exc)
            if attempt == endpoint.max_attempts or wait > settings.LLM_MAX_RETRY_AFTER_S:
                raise AIUnavailable(
                    f"{endpoint.name} did not answer after {attempt} attempt(s): {detail}",
                    outcome=outcome,
                    retry_at=health.now() + timedelta(seconds=wait),
                ) from None
            sleep(wait)
            continue
        health.record_success(endpoint.scope)
        latency = int((time.monotonic() - started) * 1000)
        return dataclasses.replace(answer, attempt=attempt, latency_ms=latency)
    raise AssertionError("unreachable: the loop returns or raises")


def _backoff(attempt: int, exc: Exception) -> float:
    if isinstance(exc, openai.APIStatusError):
        asked = _retry_after(exc)
        if asked is not None:
            return asked
    return min(BACKOFF_BASE_S * 2 ** (attempt - 1), BACKOFF_MAX_S) * random.uniform(0.8, 1.2)


def chat_request(*, model: str, messages: list[dict], response_format=None, parameters=None):
    """A Chat Completions request, as a function of the client (for `send`)."""

    def run(client: openai.OpenAI) -> Answer:
        extra = {"response_format": response_format} if response_format else {}
        completion = client.chat.completions.create(
            model=model, messages=messages, **extra, **(parameters or {})
        )
        usage = completion.usage
        if not completion.choices:
            raise UnusableAnswer(
                "the provider answered with no choice",
                input_tokens=usage.prompt_tokens if usage else 0,
                output_tokens=usage.completion_tokens if usage else 0,
            )
        choice = completion.choices[0]
        return Answer(
            attempt=0,
            latency_ms=0,
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            content=choice.message.content,
            refusal=getattr(choice.message, "refusal", None),
            finish_reason=choice.finish_reason or "stop",
            model=completion.model or model,
        )

    return run


def image_request(*, model: str, prompt: str, size: str = "1024x1024", n: int = 1):
    """An Images API generation (b64 PNGs), as a function of the client (for `send`)."""
    import base64

    def run(client: openai.OpenAI) -> Answer:
        result = client.images.generate(
            model=model, prompt=prompt, size=size, n=n, response_format="b64_json"
        )
        usage = getattr(result, "usage", None)
        if not result.data:
            raise UnusableAnswer(
                "the provider answered with no image",
                input_tokens=getattr(usage, "input_tokens", 0) or 0,
            )
        return Answer(
            attempt=0,
            latency_ms=0,
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
            images=tuple(base64.b64decode(item.b64_json) for item in result.data if item.b64_json),
            model=model,
        )

    return run
