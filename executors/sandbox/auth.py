"""Adobe IMS-style authentication: client-credential tokens and gateway header checks.

Tokens live in memory only: after a restart every client must fetch a new one, exactly
like a real token revocation, which exercises the client's refresh-on-401 path.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Mapping

from executors.sandbox.errors import GatewayError

DEFAULT_TOKEN_TTL = 86399.0  # seconds; what Adobe IMS issues


class TokenError(Exception):
    """A token request IMS refuses (OAuth error shape)."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict:
        """The OAuth error document."""
        return {"error": self.error, "error_description": self.description}


class TokenStore:
    """Issued bearer tokens and their expiry, shared by the Adobe and Google issuers."""

    def __init__(self) -> None:
        self._tokens: dict[str, float] = {}  # token -> expiry (monotonic seconds)
        self._lock = threading.Lock()

    def add(self, token: str, ttl: float) -> None:
        now = time.monotonic()
        with self._lock:
            # Drop expired tokens so a long-running server does not accumulate them.
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + ttl

    def expire_all(self) -> int:
        """Expire every issued token (control API); returns how many were live."""
        now = time.monotonic()
        with self._lock:
            live = sum(1 for exp in self._tokens.values() if exp > now)
            self._tokens = {t: now - 1 for t in self._tokens}
        return live

    def check(self, token: str) -> str | None:
        """None if the token is valid, else 'unknown' or 'expired'."""
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None:
            return "unknown"
        return "expired" if expiry <= time.monotonic() else None


class TokenIssuer:
    """Issues and checks bearer tokens for one client id / secret pair."""

    def __init__(self, client_id: str, client_secret: str, ttl: float = DEFAULT_TOKEN_TTL):
        self.client_id = client_id
        self._client_secret = client_secret
        self.ttl = float(ttl)
        self.store = TokenStore()
        self.expire_all, self.check = self.store.expire_all, self.store.check

    def issue(self, form: Mapping[str, str]) -> dict:
        """Answer a client-credentials token request, or raise TokenError."""
        grant_type = form.get("grant_type")
        if grant_type != "client_credentials":
            raise TokenError(
                400,
                "unsupported_grant_type",
                "grant_type must be 'client_credentials'"
                + ("" if grant_type is None else f", got {grant_type!r}"),
            )
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if not client_id:
            raise TokenError(401, "invalid_client", "client_id is required")
        if client_id != self.client_id:
            raise TokenError(401, "invalid_client", f"Unknown client_id {client_id!r}")
        if not secret:
            raise TokenError(401, "invalid_client", "client_secret is required")
        if not secrets.compare_digest(secret.encode(), self._client_secret.encode()):
            raise TokenError(401, "invalid_client", "client_secret is not valid for this client")
        token = secrets.token_urlsafe(32)
        self.store.add(token, self.ttl)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": max(math.ceil(self.ttl), 1),
        }


def authenticate(
    headers: Mapping[str, str], issuer: TokenIssuer, *, org_id: str, sandbox_name: str
) -> None:
    """Check the four headers every Adobe platform call carries; raise GatewayError.

    Token problems are 401 (the client should refresh its token); wrong api key, org or
    sandbox are 403 (refreshing will not help).
    """
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if not authorization:
        raise GatewayError(401, "401001", "Authorization header is missing")
    if scheme.lower() != "bearer" or not token.strip():
        raise GatewayError(401, "401002", "Authorization header must be 'Bearer <access token>'")
    problem = issuer.check(token.strip())
    if problem == "unknown":
        raise GatewayError(401, "401013", "Oauth token is not valid")
    if problem == "expired":
        raise GatewayError(401, "401013", "Oauth token is not valid: the token has expired")

    api_key = headers.get("x-api-key")
    if not api_key:
        raise GatewayError(403, "403000", "Api Key is required")
    if api_key != issuer.client_id:
        raise GatewayError(403, "403003", "Api Key is invalid")
    org = headers.get("x-gw-ims-org-id")
    if not org:
        raise GatewayError(403, "403025", "x-gw-ims-org-id header is required")
    if org != org_id:
        raise GatewayError(403, "403026", f"IMS org {org!r} is not valid for this api key")
    sandbox = headers.get("x-sandbox-name")
    if not sandbox:
        raise GatewayError(403, "403027", "x-sandbox-name header is required")
    if sandbox != sandbox_name:
        raise GatewayError(403, "403028", f"Sandbox {sandbox!r} does not exist in this org")
