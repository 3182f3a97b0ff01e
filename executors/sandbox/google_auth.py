"""Google OAuth (refresh-token grant) and the headers every Google Ads API call carries.

Access tokens live in memory only, apart from the Adobe ones: after a restart every
client must refresh, and `GoogleTokenIssuer.expire_all` forces the same in a test.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from executors.sandbox.auth import TokenStore
from executors.sandbox.google_errors import API_VERSION, GoogleAdsError, OAuthError, failure

DEFAULT_GOOGLE_TOKEN_TTL = 3599.0  # seconds; what Google's OAuth server issues


@dataclass
class GoogleAdsConfig:
    """Identity of the sandbox's Google Ads account (an app option of SandboxApp)."""

    client_id: str = "spectra-sandbox-google"
    client_secret: str = "sandbox-google-secret"
    refresh_token: str = "sandbox-refresh-token"
    developer_token: str = "sandbox-developer-token"
    customer_id: str = "1234567890"
    # The manager account the client logs in through; None: no header is required.
    login_customer_id: str | None = "9876543210"
    token_ttl: float = DEFAULT_GOOGLE_TOKEN_TTL
    # The API versions served; any other answers 404 NOT_FOUND, as a sunset one does.
    api_versions: tuple[str, ...] = (API_VERSION,)

    def credentials(self) -> dict[str, str]:
        """What a GoogleAdsClient needs for this account (customer id aside)."""
        values = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
            "developer_token": self.developer_token,
        }
        if self.login_customer_id:
            values["login_customer_id"] = self.login_customer_id
        return values


class GoogleTokenIssuer:
    """Issues and checks access tokens for the refresh-token grant of one OAuth client."""

    def __init__(self, config: GoogleAdsConfig):
        self.config = config
        self.store = TokenStore()
        self.expire_all, self.check = self.store.expire_all, self.store.check

    def issue(self, form: Mapping[str, str]) -> dict:
        """Answer a token request, or raise OAuthError in Google's words."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type")
        if grant_type != "refresh_token":
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        client_id = form.get("client_id")
        if not client_id:
            raise OAuthError(400, "invalid_request", "Missing required parameter: client_id")
        if client_id != self.config.client_id:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        secret = form.get("client_secret", "")
        if not secrets.compare_digest(secret.encode(), self.config.client_secret.encode()):
            raise OAuthError(401, "invalid_client", "Unauthorized")
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise OAuthError(400, "invalid_request", "Missing required parameter: refresh_token")
        if not secrets.compare_digest(refresh_token.encode(), self.config.refresh_token.encode()):
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        token = "ya29.sbx-" + secrets.token_urlsafe(32)
        self.store.add(token, self.config.token_ttl)
        return {
            "access_token": token,
            "expires_in": max(math.ceil(self.config.token_ttl), 1),
            "scope": "https://www.googleapis.com/auth/adwords",
            "token_type": "Bearer",
        }


def _unauthenticated(code: str, message: str) -> GoogleAdsError:
    return GoogleAdsError(401, [failure("authenticationError", code, message)])


def _denied(code: str, message: str) -> GoogleAdsError:
    return GoogleAdsError(403, [failure("authorizationError", code, message)])


def authenticate(headers: Mapping[str, str], issuer: GoogleTokenIssuer) -> None:
    """Check Authorization, developer-token and login-customer-id; raise GoogleAdsError.

    Token problems are 401 (refresh and try again); a wrong developer token or manager
    account is 403 (the configuration is wrong, a new token will not help).
    """
    config = issuer.config
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if not authorization:
        raise _unauthenticated(
            "AUTHENTICATION_ERROR",
            "Request is missing required authentication credential. Expected OAuth 2 access token.",
        )
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated(
            "OAUTH_TOKEN_HEADER_INVALID", "The Authorization header must be 'Bearer <token>'."
        )
    problem = issuer.check(token.strip())
    if problem == "unknown":
        raise _unauthenticated("OAUTH_TOKEN_INVALID", "Invalid OAuth access token.")
    if problem == "expired":
        raise _unauthenticated("OAUTH_TOKEN_EXPIRED", "The OAuth access token has expired.")

    developer_token = headers.get("developer-token")
    if not developer_token:
        raise GoogleAdsError(
            400,
            [
                failure(
                    "requestError",
                    "DEVELOPER_TOKEN_PARAMETER_MISSING",
                    "The developer-token header is required on every Google Ads API call.",
                )
            ],
        )
    if not secrets.compare_digest(developer_token.encode(), config.developer_token.encode()):
        raise _denied(
            "DEVELOPER_TOKEN_NOT_APPROVED", "The developer token is not approved for this account."
        )
    if config.login_customer_id and headers.get("login-customer-id") != config.login_customer_id:
        raise _denied(
            "USER_PERMISSION_DENIED",
            "User doesn't have permission to access customer. Note: If you're accessing a "
            "client customer, the manager's customer id must be set in the "
            "'login-customer-id' header.",
        )
