"""The outbound URL settings: a host list or port that cannot be read stops start-up,
and production refuses loopback and plain http unless told otherwise."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from spectra.env import env_hosts, env_ports

BASE_DIR = Path(__file__).resolve().parents[2]
NAME = "SPECTRA_TEST_HOSTS"
PRINT = (
    "from django.conf import settings as s; "
    "print(s.SPECTRA_ALLOW_LOOPBACK_URLS, s.SPECTRA_ALLOW_PRIVATE_URLS, "
    "s.SPECTRA_REQUIRE_HTTPS_URLS)"
)


def test_host_lists_are_read_lowercase_with_wildcards(monkeypatch):
    monkeypatch.setenv(NAME, " Hooks.Example.com, *.alerts.example.com ,ads-proxy.example.com. ")

    assert env_hosts(NAME) == ["hooks.example.com", "*.alerts.example.com", "ads-proxy.example.com"]


@pytest.mark.parametrize(
    "raw",
    [
        "https://hooks.example.com",
        "hooks.example.com/path",
        "hooks.example.com:443",
        "*",
        "a.*.com",
    ],
)
def test_a_host_list_with_a_url_or_a_bare_wildcard_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv(NAME, f"ok.example.com,{raw}")

    with pytest.raises(ImproperlyConfigured, match="give host names only"):
        env_hosts(NAME)


@pytest.mark.parametrize("raw", ["0", "65536", "https", "-1", "8443.5"])
def test_a_port_that_is_not_a_port_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv(NAME, f"8443,{raw}")

    with pytest.raises(ImproperlyConfigured, match="ports are numbers from 1 to 65535"):
        env_ports(NAME)


def _settings_in_a_fresh_process(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "spectra.settings",
        "SPECTRA_VAR_DIR": str(tmp_path),
        "SPECTRA_CREDENTIALS_KEY": Fernet.generate_key().decode(),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_loopback_private_addresses_and_plain_http_by_default(tmp_path):
    started = _settings_in_a_fresh_process(
        tmp_path,
        SPECTRA_ENV="production",
        SECRET_KEY="x7#Kq9!mZ2@vL4$wP8^rT1&yN6*bH3(cJ5)dF0-gS_aE+uQ=iO",
        ALLOWED_HOSTS="spectra.example.com",
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["False", "False", "True"]


def test_development_allows_loopback_for_the_sandbox(tmp_path):
    started = _settings_in_a_fresh_process(tmp_path, SPECTRA_ENV="development")

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "False", "False"]


def test_a_bad_webhook_host_list_stops_start_up(tmp_path):
    started = _settings_in_a_fresh_process(
        tmp_path, SPECTRA_ENV="development", SPECTRA_WEBHOOK_HOSTS="https://hooks.example.com/x"
    )

    assert started.returncode != 0
    assert "SPECTRA_WEBHOOK_HOSTS" in started.stderr
