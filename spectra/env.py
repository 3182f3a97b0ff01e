"""Typed readers for environment settings that fail loudly on a bad value.

A typo in production config must stop the process at start-up, not turn
into a silently different behaviour (e.g. "ture" read as False).
"""

import os
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use one of 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_decimal(name: str, default: str, *, minimum: str | None = None) -> Decimal:
    """A decimal amount (money): read exactly, never through a float."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return Decimal(default)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value.is_finite():
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number.")
    if minimum is not None and value < Decimal(minimum):
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {sorted(choices)}.")
    return value


def env_secret(name: str, *, required: bool, dev_default: str = "") -> str:
    """A secret from the environment; required (non-empty, not a placeholder) in production."""
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return dev_default


# Django's own rule for a usable SECRET_KEY (check --deploy, security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# Values people paste from examples; never a key.
SECRET_KEY_PLACEHOLDERS = {"changeme", "change-me", "secret", "replace-me", "xxx"}


def refuse_weak_secret_key(name: str, value: str, *, known_insecure: set[str]) -> None:
    """Refuse a key that is a placeholder, the dev default, or short/low in entropy.

    The message names the rule, never the value.
    """
    weak = (
        value.strip().lower() in SECRET_KEY_PLACEHOLDERS
        or value in known_insecure
        or value.startswith("django-insecure-")
        or len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    )
    if weak:
        raise ImproperlyConfigured(
            f"{name} is too weak for production: it must be a random value of at least "
            f"{SECRET_KEY_MIN_LENGTH} characters with at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, not a placeholder or the "
            "dev-only default (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )


def env_fernet_key(name: str, *, required: bool) -> str:
    """A Fernet key from the environment, checked now rather than at first use."""
    from cryptography.fernet import Fernet

    value = env_secret(name, required=required)
    if value:
        try:
            Fernet(value.encode())
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} is not a Fernet key (32 url-safe base64-encoded bytes); make one with "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'."
            ) from None
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_HOST_PATTERN = re.compile(
    r"^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$"
)


def env_hosts(name: str) -> list[str]:
    """Host names, comma-separated: `api.example.com`, or `*.example.com` for its subdomains.

    Lowercase, no scheme, port or path: a URL pasted here by mistake stops start-up
    instead of silently allowing nothing (or, worse, more than meant).
    """
    hosts = [host.lower().rstrip(".") for host in env_list(name, [])]
    bad = [host for host in hosts if not _HOST_PATTERN.match(host)]
    if bad:
        raise ImproperlyConfigured(
            f"{name} has {', '.join(map(repr, bad))}: give host names only "
            "(api.example.com, or *.example.com for every subdomain), without scheme, port or path."
        )
    return hosts


def env_ports(name: str) -> list[int]:
    """TCP port numbers, comma-separated."""
    ports = []
    for item in env_list(name, []):
        if not item.isdigit() or not 1 <= int(item) <= 65535:
            raise ImproperlyConfigured(f"{name} has {item!r}: ports are numbers from 1 to 65535.")
        ports.append(int(item))
    return ports


def env_networks(name: str, default: list[str]) -> list:
    """IP networks, comma-separated CIDRs (`10.0.0.0/8,::1/128`); a bare address is a /32."""
    import ipaddress

    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP network (e.g. 10.0.0.0/8)."
            ) from None
    return networks
