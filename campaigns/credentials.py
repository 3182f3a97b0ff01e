"""Platform credentials at rest: encrypted, never shown, never logged.

Stored as Fernet ciphertext of a JSON object on AdAccount. The key comes
from SPECTRA_CREDENTIALS_KEY (required in production and checked at start-up
by the settings; in development it is derived from SECRET_KEY so the demo
works out of the box — never in production).
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


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
