"""Secrets at rest: encrypted, never shown, never logged.

Platform credentials are stored as Fernet ciphertext of a JSON object on
AdAccount; an organization's webhook URL (Slack and Teams put their secret in
the path) as Fernet ciphertext on Organization, shown only masked. The key comes
from SPECTRA_CREDENTIALS_KEY (required in production and checked at start-up
by the settings; in development it is derived from SECRET_KEY so the demo
works out of the box — never in production).
"""

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from campaigns.models import Platform


@dataclass(frozen=True)
class CredentialKey:
    """One credential a platform client reads (executors/clients), and how to ask for it."""

    name: str
    label: str


# The credentials each platform documents, declared once: the service stores only
# these, and the admin form and the API accept only these. Nothing here can say
# where the secret is sent — the token URL follows from the platform and the
# account's base URL, so changing it means changing (and re-entering for) that URL.
CREDENTIAL_KEYS: dict[str, tuple[CredentialKey, ...]] = {
    # OAuth server-to-server: client_id/client_secret/scope for the IMS token;
    # the org id and sandbox name travel as x-gw-ims-org-id / x-sandbox-name.
    Platform.ADOBE: (
        CredentialKey("client_id", "Client ID"),
        CredentialKey("client_secret", "Client secret"),
        CredentialKey("ims_org_id", "IMS org ID"),
        CredentialKey("sandbox_name", "Sandbox name"),
        CredentialKey("scope", "Scopes (comma-separated; blank for the default)"),
    ),
    Platform.GOOGLE_ADS: (
        CredentialKey("developer_token", "Developer token"),
        CredentialKey("client_id", "OAuth client ID"),
        CredentialKey("client_secret", "OAuth client secret"),
        CredentialKey("refresh_token", "Refresh token"),
        CredentialKey("login_customer_id", "Login customer ID"),
    ),
}


def credential_key_names(platform: str) -> list[str]:
    return [key.name for key in CREDENTIAL_KEYS.get(platform, ())]


def unknown_credential_names(platform: str, names: Iterable[str]) -> list[str]:
    """The names among `names` that `platform` does not document, sorted."""
    known = set(credential_key_names(platform))
    return sorted(set(names) - known)


def unknown_credentials_message(platform: str, unknown: list[str]) -> str:
    return (
        f"Unknown credential {', '.join(unknown)} for {Platform(platform).label}; "
        f"accepted: {', '.join(credential_key_names(platform))}."
    )


class CredentialsUnreadable(Exception):
    """The stored credentials cannot be decrypted (key rotated or data damaged)."""


def _fernet() -> Fernet:
    key = settings.SPECTRA_CREDENTIALS_KEY
    if key:
        try:
            return Fernet(key.encode())
        except ValueError as exc:
            raise ImproperlyConfigured(
                "SPECTRA_CREDENTIALS_KEY must be a Fernet key "
                "(python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from exc
    if settings.PRODUCTION:
        # settings refuse to start without it; this guards a settings override.
        raise ImproperlyConfigured(
            "SPECTRA_CREDENTIALS_KEY must be set in production; a key derived from "
            "SECRET_KEY is for development only."
        )
    digest = hashlib.sha256(f"spectra-credentials:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(text: str) -> str:
    """Ciphertext of one secret string ("" stays "", meaning not set)."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt_secret(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsUnreadable(
            "A stored secret cannot be decrypted with the current key; enter it again."
        ) from exc


def mask_url(url: str) -> str:
    """Scheme and host only — what a page may show of a URL whose path is a secret."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return "set"
    return f"{parts.scheme}://{parts.hostname}/…"


def organization_webhook_url(organization) -> str:
    """The organization's alert webhook in plain text, for the sender only ("" if none)."""
    return decrypt_secret(organization.webhook_url_ciphertext)


def organization_webhook_display(organization) -> str:
    """What pages and the API show of the webhook: masked, or "not set"."""
    if not organization.webhook_url_ciphertext:
        return "not set"
    try:
        return f"set: {mask_url(organization_webhook_url(organization))}"
    except CredentialsUnreadable:
        return "set, but unreadable with the current key: enter it again"


def encrypt_credentials(values: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_credentials(ciphertext: str) -> dict[str, str]:
    if not ciphertext:
        return {}
    try:
        return json.loads(_fernet().decrypt(ciphertext.encode()))
    except InvalidToken as exc:
        raise CredentialsUnreadable(
            "Stored platform credentials cannot be decrypted with the current key; "
            "re-enter them on the account."
        ) from exc


def credential_names(ciphertext: str) -> list[str]:
    """Which credentials are set (names only), for display."""
    try:
        return sorted(decrypt_credentials(ciphertext))
    except CredentialsUnreadable:
        return []
