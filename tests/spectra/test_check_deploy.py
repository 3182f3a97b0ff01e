"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[2]
# The environment a real deployment would have; nothing inherited from this run.
_INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR"}


def _production_env(tmp_path, **overrides) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {k: v for k, v in os.environ.items() if k in _INHERITED}
    env |= {
        "SPECTRA_ENV": "production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
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


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS:" not in output and "?: (security." not in output, output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SPECTRA_CREDENTIALS_KEY"])
def test_production_refuses_to_start_without_a_secret(tmp_path, missing):
    result = _manage(_production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set in production." in result.stderr


def test_production_refuses_to_start_on_a_mistyped_boolean(tmp_path):
    result = _manage(_production_env(tmp_path, DEBUG="ture"), "check")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr
