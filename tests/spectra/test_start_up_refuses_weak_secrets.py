"""Start-up refuses secrets that would make production unsafe, with a message that says which.

Each case imports the settings in a fresh interpreter with only the environment
a deployment would have, as a real process start does.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
_INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR"}
DEV_DEFAULT_KEY = "dev-only-insecure-key-never-use-in-production"


def _strong_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def _env(tmp_path, **overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _INHERITED}
    env |= {
        "SPECTRA_ENV": "production",
        "SECRET_KEY": _strong_key(),
        "SPECTRA_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "spectra.example.com",
        "SPECTRA_VAR_DIR": str(tmp_path),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _import_settings(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import spectra.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _refused(result) -> str:
    assert result.returncode != 0, "settings were accepted"
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_production_starts_with_strong_secrets(tmp_path):
    result = _import_settings(_env(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "changeme",
        DEV_DEFAULT_KEY,
        "django-insecure-" + "x1y2z3" * 10,
        "a" * 60,  # long but fewer than 5 unique characters
        "abcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcd"[:49],  # 49 characters
    ],
    ids=["changeme", "dev-default", "django-insecure", "low-entropy", "short"],
)
def test_production_refuses_a_weak_or_placeholder_secret_key(tmp_path, key):
    message = _refused(_import_settings(_env(tmp_path, SECRET_KEY=key)))
    assert "SECRET_KEY" in message
    assert "at least 50 characters" in message and "5 different" in message
    assert key not in message  # the refusal never prints the secret


def test_production_refuses_debug(tmp_path):
    message = _refused(_import_settings(_env(tmp_path, DEBUG="true")))
    assert "DEBUG must be off in production" in message


@pytest.mark.parametrize("key", ["not-a-fernet-key", "changeme", "A" * 44])
def test_production_refuses_a_credentials_key_that_is_not_a_fernet_key(tmp_path, key):
    message = _refused(_import_settings(_env(tmp_path, SPECTRA_CREDENTIALS_KEY=key)))
    assert "SPECTRA_CREDENTIALS_KEY is not a Fernet key" in message
    assert "Fernet.generate_key()" in message


def test_a_credentials_key_that_is_not_a_fernet_key_is_refused_in_development_too(tmp_path):
    env = _env(tmp_path, SPECTRA_ENV=None, SECRET_KEY=None, SPECTRA_CREDENTIALS_KEY="nope")
    message = _refused(_import_settings(env))
    assert "SPECTRA_CREDENTIALS_KEY is not a Fernet key" in message


def test_the_dev_default_secret_key_is_refused_outside_debug(tmp_path):
    env = _env(tmp_path, SPECTRA_ENV="development", SECRET_KEY=None, DEBUG="false")
    message = _refused(_import_settings(env))
    assert "dev-only SECRET_KEY" in message and "DEBUG" in message


@pytest.mark.parametrize(
    "environment",
    [{"SPECTRA_ENV": "development"}, {"SPECTRA_ENV": "test", "DEBUG": "false"}],
    ids=["development", "test"],
)
def test_the_dev_default_secret_key_still_serves_development_and_tests(tmp_path, environment):
    env = _env(tmp_path, SECRET_KEY=None, SPECTRA_CREDENTIALS_KEY=None, **environment)
    result = _import_settings(env)
    assert result.returncode == 0, result.stderr
