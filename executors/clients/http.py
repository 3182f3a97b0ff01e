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

from campaigns.redaction import redact_text
from campaigns.urlpolicy import OutboundURLRefused
from executors.clients.errors import (
    MalformedResponse,
    PlatformAuthError,
    PlatformError,
    PlatformUnavailable,
    shown_text,
)

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
    """The platform's own words from an error body, whichever shape it uses (bounded and
    redacted by PlatformError)."""
    if body is None:
        return "an answer that is not JSON"
    if isinstance(body, dict):
        if isinstance(body.get("error"), dict):  # Google: {"error": {"message": ...}}
            return str(body["error"].get("message", ""))
        for key in ("detail", "message", "error_description", "title", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:300]


def _error_code(body) -> str:
    """A machine-readable code: Adobe's error_code / problem type, OAuth's error, or
    Google's first GoogleAdsFailure errorCode as "family.CODE" (else its status)."""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        for detail in error.get("details") or []:
            for item in (detail.get("errors") or []) if isinstance(detail, dict) else []:
                code = item.get("errorCode") if isinstance(item, dict) else None
                if isinstance(code, dict) and code:
                    family, value = next(iter(code.items()))
                    return f"{family}.{value}"
        return str(error.get("status") or "")
    return str(body.get("error_code") or body.get("type") or error or "")


def _retry_delay(body, depth: int = 0) -> float | None:
    """Google's `retryDelay` ("2s", a protobuf Duration), wherever the error nests it."""
    if depth > 10:  # Google nests it 7 levels deep
        return None
    if isinstance(body, dict):
        value = body.get("retryDelay")
        if isinstance(value, str) and value.endswith("s"):
            try:
                return float(value[:-1])
            except ValueError:
                pass
        children = body.values()
    elif isinstance(body, list):
        children = body
    else:
        return None
    for child in children:
        if (found := _retry_delay(child, depth + 1)) is not None:
            return found
    return None


def _retry_after(response: requests.Response, body=None) -> float | None:
    """The delay the platform asked for: a Retry-After header or a retryDelay in the body."""
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else _retry_delay(body)
    except ValueError:
        return _retry_delay(body)


def call_once(
    session: requests.Session, method: str, url: str, *, timeout: float, platform: str, **kwargs
) -> object:
    """Perform one request and return its JSON body, or raise a PlatformError."""
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except OutboundURLRefused as exc:
        # Nothing was sent (or, for a redirect, nothing more): permanent until someone
        # fixes the URL or the deployment's policy.
        raise PlatformError(
            f"{platform} URL is not allowed ({method} {url}): {exc.reason}.", code="url_not_allowed"
        ) from exc
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
    code = shown_text(_error_code(body), 100)
    # The code goes first: the platform's message may be cut (PlatformError bounds it).
    said = f"{status} {code}" if code else f"{status}"
    message = f"{platform} refused {method} {url} ({said}): {_problem_message(body)}"
    if status in (401, 403):
        raise PlatformAuthError(message, status=status, code=code, body=body)
    if status == 429 or status >= 500:
        raise PlatformUnavailable(
            message, status=status, code=code, body=body, retry_after=_retry_after(response, body)
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
    return retrying(retry)(
        call_once, session, method, url, timeout=timeout, platform=platform, **kwargs
    )


def retrying(retry: RetryPolicy) -> Retrying:
    """A tenacity loop for `retry`: retryable failures only, and never one whose asked
    delay (Retry-After / retryDelay) is beyond the policy's whole time budget."""

    def worth_retrying(exc: BaseException) -> bool:
        asked = getattr(exc, "retry_after", None) or 0.0
        return _is_retryable(exc) and asked <= retry.max_seconds

    return Retrying(
        retry=retry_if_exception(worth_retrying),
        stop=stop_after_attempt(retry.attempts) | stop_after_delay(retry.max_seconds),
        wait=retry.wait,
        reraise=True,
    )
