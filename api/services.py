"""Making, checking and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiToken
from campaigns.services.errors import ServiceError

TOKEN_PREFIX = "spk_"
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=365)
# Writing last_used_at on every request would make every read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _may_manage(actor, user) -> bool:
    return actor is not None and actor.is_active and (actor.pk == user.pk or actor.is_superuser)


def token_create(
    *, user, name: str, actor, lifetime: timedelta = DEFAULT_LIFETIME
) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with its secret, which is never stored.

    A person makes tokens for themselves; Spectra's operators for anyone. The
    token acts with the user's roles, in the user's organizations, and no more.
    """
    if not _may_manage(actor, user):
        raise PermissionDenied("You may only create API tokens for yourself.")
    name = name.strip()
    if not name:
        raise ServiceError("Name the token after what will use it, e.g. 'reporting job'.")
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ServiceError(f"A token lives between one second and {MAX_LIFETIME.days} days.")
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest_of(secret),
        created_by=actor,
        expires_at=timezone.now() + lifetime,
    )
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError as exc:
        raise ServiceError(
            f"{user} already has a token named {name!r}; pick another name."
        ) from exc
    return token, secret


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Refuse the token from now on; revoking twice keeps the first revocation."""
    if not _may_manage(actor, token.user):
        raise PermissionDenied("You may only revoke your own API tokens.")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    token.refresh_from_db()
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret (user loaded), or None; notes when it was used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
