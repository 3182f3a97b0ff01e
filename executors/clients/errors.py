"""What can go wrong talking to a platform, in words a person can act on.

A platform's error text is hostile input shown to every viewer of the account
(SyncRun.error, execution logs, a recommendation's outcome, alerts, the breaker's
last error): it can be 50 kB long and can echo a token or a secret back. So what
Spectra keeps of it is bounded and redacted where it enters — every PlatformError's
message and body — and stored through one function, `error_summary`.
"""

import re

from campaigns.redaction import REDACTED, redact_text

MAX_SUMMARY_CHARS = 500
_MAX_BODY_DEPTH = 12
# Credentials that carry no name to redact them by: JWTs, Google OAuth access
# ("ya29.") and refresh ("1//") tokens, and any long run of token characters mixing
# letters and digits (a platform's words, ids, enum codes and resource names are
# shorter, or have no digit, or are split by '/', '.' or ':').
_NAMED_SHAPES = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*|\bya29\.[\w.-]+|\b1//[\w-]+")
_LONG_RUN = re.compile(r"[\w-]{32,}")
# Request ids and idempotency keys are UUIDs: what support asks for, no credential.
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def _opaque(match: re.Match) -> str:
    run = match.group(0)
    looks_random = any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
    return REDACTED if looks_random and not _UUID.fullmatch(run) else run


def shown_text(text, limit: int = MAX_SUMMARY_CHARS) -> str:
    """Platform words fit to store and show: one line, secrets redacted, at most `limit`
    characters.

    Redaction runs on a head of the text cut at a space (no secret holds one, so
    none is cut in half), a few times longer than `limit`, then the result is cut.
    """
    line = " ".join(str(text).split())
    head = line[: limit * 8]
    if len(head) < len(line):
        head = head.rsplit(" ", 1)[0] if " " in head else ""
    shown = _LONG_RUN.sub(_opaque, _NAMED_SHAPES.sub(REDACTED, redact_text(head)))
    if len(shown) > limit or len(head) < len(line):
        return shown[: limit - 1] + "…"
    return shown


def shown_body(body, depth: int = 0):
    """A platform's JSON body with the same shape, every string in it `shown_text`."""
    if depth > _MAX_BODY_DEPTH:
        return "…"
    if isinstance(body, dict):
        return {shown_text(k, 100): shown_body(v, depth + 1) for k, v in body.items()}
    if isinstance(body, list):
        return [shown_body(v, depth + 1) for v in body]
    if isinstance(body, str):
        return shown_text(body)
    return body


def error_summary(exc: BaseException) -> str:
    """What Spectra stores and shows of a failed platform call: the platform, the
    request, the status, the platform's error code and a short message — redacted,
    at most MAX_SUMMARY_CHARS, never the raw body."""
    if isinstance(exc, PlatformError):
        message = str(exc)
        return shown_text(
            f"{message} [{exc.code}]" if exc.code and exc.code not in message else message
        )
    return shown_text(f"{type(exc).__name__}: {exc}")


class PlatformError(Exception):
    """A platform call failed. `retryable` says whether trying again can help.

    The message and the body are kept as `shown_text` / `shown_body`: bounded and
    redacted, whatever the platform sent.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        body: object = None,
    ):
        super().__init__(shown_text(message))
        self.status = status
        self.code = shown_text(code, 100)
        self.retryable = retryable
        self.retry_after = retry_after
        self.body = shown_body(body)


class PlatformAuthError(PlatformError):
    """Credentials were refused: retrying will not help until someone fixes them."""


class PlatformUnavailable(PlatformError):
    """Timeouts, resets, 5xx, throttling: transient by nature."""

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("retryable", True)
        super().__init__(message, **kwargs)


class MalformedResponse(PlatformError):
    """The platform answered with something that is not the documented shape."""

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("retryable", True)
        super().__init__(message, **kwargs)


class OutcomeUnknown(PlatformError):
    """A write was sent and no usable answer came back (timeout, reset, cut-off body).

    It may or may not have been applied. Where the platform has no idempotency key
    (Google Ads), sending it again could apply it twice: read the current value back
    first. `unknown` holds the external ids whose fate is unknown, `completed` the
    results of earlier requests of the same call, `unsent` the ids never sent.
    """

    def __init__(
        self,
        message: str,
        *,
        unknown: list | tuple = (),
        completed: list | tuple = (),
        unsent: list | tuple = (),
        **kwargs,
    ):
        kwargs["retryable"] = False
        super().__init__(message, **kwargs)
        self.unknown = list(unknown)
        self.completed = list(completed)
        self.unsent = list(unsent)
