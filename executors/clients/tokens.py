"""Access tokens of platform credentials, cached per process.

A cached token is tenant data: whoever is answered from the cache acts on the
platform account of whoever obtained the token. So a token is reachable only by
the very credentials that obtained it: the key is a keyed digest (HMAC-SHA256, a
key made fresh in each process) of the token endpoint's URL and of every value
sent to it, the secret included. Public values alone (a client id is the
`x-api-key` on every call) can never match, and neither can a secret that differs
by one character. A credential refused by the token endpoint or by a platform
call is dropped, so it is asked again, never answered from here.

The digest is keyed rather than a bare hash so that a key seen in a debugger or a
core dump is no oracle for guessing a secret offline.
"""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping

from executors.clients.errors import PlatformAuthError

# Refresh a little early so a token never expires in the middle of a batch.
TOKEN_EARLY_REFRESH_S = 60

_PROCESS_KEY = secrets.token_bytes(32)
_tokens: dict[str, tuple[str, float]] = {}  # digest -> (access token, monotonic expiry)
_lock = threading.Lock()


def credentials_digest(token_url: str, form: Mapping[str, str]) -> str:
    """The cache key of a token request: every value sent, and where it is sent."""
    canonical = json.dumps([token_url, sorted(form.items())], separators=(",", ":"))
    return hmac.new(_PROCESS_KEY, canonical.encode(), hashlib.sha256).hexdigest()


def cached_token(
    token_url: str, form: Mapping[str, str], fetch: Callable[[], tuple[str, float]]
) -> str:
    """The access token for these credentials: from the cache, else `fetch()`ed and kept.

    `fetch` returns (token, expires_in seconds) or raises; a refusal of the
    credentials (PlatformAuthError) leaves nothing cached for them.
    """
    key = credentials_digest(token_url, form)
    with _lock:
        cached = _tokens.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
    try:
        token, expires_in = fetch()
    except PlatformAuthError:
        with _lock:
            _tokens.pop(key, None)  # another thread's token for credentials now refused
        raise
    with _lock:
        _tokens[key] = (token, time.monotonic() + float(expires_in) - TOKEN_EARLY_REFRESH_S)
    return token


def forget_token(token_url: str, form: Mapping[str, str]) -> None:
    """Drop the token of these credentials (the platform refused it, or them)."""
    key = credentials_digest(token_url, form)
    with _lock:
        _tokens.pop(key, None)


def forget_cached_tokens() -> None:
    """Drop every cached token of this process (tests; a sandbox restarted)."""
    with _lock:
        _tokens.clear()
