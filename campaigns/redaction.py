"""Redaction of secrets: the one place that knows what a secret looks like in text.

Shared by every app that writes what a platform or a person sent into a log line, an
ExecutionLog row or an error report (executors, spectra's log filter and Sentry), so
none of them imports another for it.
"""

import re

# Header and field names whose values are secret wherever they appear.
SECRET_NAMES = (
    "authorization",
    "access_token",
    "refresh_token",
    "client_secret",
    "developer-token",
    "developer_token",
    "x-api-key",
    "api_key",
    "password",
    "secret",
    "token",
)
_NAMES = "|".join(re.escape(n) for n in SECRET_NAMES)
# name=value, name: value, "name": "value", 'name': 'value'
_PATTERN = re.compile(
    rf"""(?ix)
    (?P<key>["']?(?:{_NAMES})["']?\s*[:=]\s*)
    (?:
        (?P<quote>["'])(?P<quoted>.*?)(?P=quote)
      | (?:(?:Bearer|Basic|Token)\s+)?[^"'\s,&}}]+
    )
    """
)
# A credential after its scheme, wherever it appears (e.g. in an exception message).
_SCHEME = re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*")
REDACTED = "[REDACTED]"


def redact_text(text: str) -> str:
    """Replace the values of secret-named fields in free text."""

    def keep_key(m):
        quote = m.group("quote") or ""
        return f"{m.group('key')}{quote}{REDACTED}{quote}"

    return _SCHEME.sub(lambda m: f"{m.group(1)} {REDACTED}", _PATTERN.sub(keep_key, text))


def redact_mapping(data):
    """Deep-copy a JSON-like structure with secret-named values replaced."""
    if isinstance(data, dict):
        return {k: (REDACTED if _is_secret_name(k) else redact_mapping(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_mapping(v) for v in data]
    if isinstance(data, str):
        return redact_text(data)
    return data


def _is_secret_name(name) -> bool:
    lowered = str(name).lower()
    return any(secret in lowered for secret in SECRET_NAMES)
