"""One HTTP call to a platform: timeouts, error mapping, retries, redacted logs.

Retries use full-jitter exponential backoff (tenacity) on retryable failures
only — timeouts, resets, 429, 5xx, malformed bodies — bounded by attempts and
total time, and never shorter than a Retry-After the platform asked for.
"""

import json
import logging
import time

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from executors.clients.errors import (
    MalformedResponse,
    PlatformAuthError,
    PlatformError,
    PlatformUnavailable,
)
from spectra.logging import redact_text

logger = logging.getLogger("spectra.platform")


class RetryPolicy:
    def __init__(
        self, *, attempts: int = 4, max_seconds: float = 60.0, base: float = 0.5, cap: float = 20.0
    ):
        self.attempts, self.max_seconds, self.base, self.cap = attempts, max_seconds, base, cap

    def wait(self, state: RetryCallState) -> float:
        jitter = wait_random_exponential(multiplier=self.base, max=self.cap)(state)
        exc = state.outcome.exception() if state.outcome else None
        asked = getattr(exc, "retry_after", None) or 0.0
        return max(jitter, min(asked, self.cap))


NO_RETRY = RetryPolicy(attempts=1)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, PlatformError) and exc.retryable


def _problem_message(body) -> str:
    """The platform's own words from an error body, whichever shape it uses."""
    if isinstance(body, dict):
        for key in ("detail", "message", "error_description", "title", "error"):
            if body.get(key):
                return str(body[key])
        if isinstance(body.get("error"), dict):  # Google: {"error": {"message": ...}}
            return str(body["error"].get("message", ""))
    return str(body)[:300]


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def call_once(
    session: requests.Session, method: str, url: str, *, timeout: float, platform: str, **kwargs
) -> object:
    """Perform one request and return its JSON body, or raise a PlatformError."""
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise PlatformUnavailable(
            f"{platform} did not answer within {timeout:g}s ({method} {url})."
        ) from exc
    except requests.ConnectionError as exc:
        raise PlatformUnavailable(
            f"Could not reach {platform} ({method} {url}): {redact_text(str(exc))[:200]}"
        ) from exc
    elapsed_ms = (time.monotonic() - started) * 1000
    logger.debug("%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed_ms)
    try:
        body = response.json() if response.content else {}
    except (ValueError, json.JSONDecodeError):
        body = None
    status = response.status_code
    if status < 400:
        if body is None:
            raise MalformedResponse(
                f"{platform} answered {status} to {method} {url} with a body that is not JSON.",
                status=status,
            )
        return body
    message = f"{platform} refused {method} {url} ({status}): {_problem_message(body)}"
    code = ""
    if isinstance(body, dict):
        code = str(body.get("error_code") or body.get("type") or body.get("error") or "")
    if status in (401, 403):
        raise PlatformAuthError(message, status=status, code=code, body=body)
    if status == 429 or status >= 500:
        raise PlatformUnavailable(
            message, status=status, code=code, body=body, retry_after=_retry_after(response)
        )
    raise PlatformError(message, status=status, code=code, body=body)


def call(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: float,
    platform: str,
    retry: RetryPolicy,
    **kwargs,
) -> object:
    """`call_once` with retries on retryable failures only."""
    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(retry.attempts) | stop_after_delay(retry.max_seconds),
        wait=retry.wait,
        reraise=True,
    )
    return retrying(call_once, session, method, url, timeout=timeout, platform=platform, **kwargs)
