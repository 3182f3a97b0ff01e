"""The Google Ads API version is GOOGLE_ADS_API_VERSION (by default the newest the
google-ads package ships); a sunset or unknown one is refused at start-up, and the
sandbox serves the versions it is told, answering any other as Google answers a sunset
version: 404 NOT_FOUND."""

import os
import subprocess
import sys

import pytest
import requests
from django.conf import settings

from executors.clients.errors import PlatformError
from executors.clients.google_versions import DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS
from executors.sandbox.google_errors import API_VERSION
from tests.executors.google.conftest import google_base, google_headers, make_client


def test_the_default_is_the_newest_version_googles_package_ships():
    import google.ads.googleads as package

    shipped = sorted(
        (name for name in os.listdir(os.path.dirname(package.__file__)) if name[1:].isdigit()),
        key=lambda name: int(name[1:]),
    )
    assert DEFAULT_API_VERSION == shipped[-1] == settings.GOOGLE_ADS_API_VERSION
    assert set(SUPPORTED_API_VERSIONS) <= set(shipped)
    assert API_VERSION == DEFAULT_API_VERSION  # the sandbox serves Spectra's default


@pytest.mark.parametrize("version", ["v7", "v17", "latest"])
def test_spectra_refuses_to_start_with_a_version_google_does_not_serve(version):
    env = os.environ | {
        "GOOGLE_ADS_API_VERSION": version,
        "DJANGO_SETTINGS_MODULE": "spectra.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "GOOGLE_ADS_API_VERSION" in done.stderr


def test_a_client_of_a_version_spectra_does_not_speak_is_refused(sandbox):
    with pytest.raises(ValueError, match="v17"):
        make_client(sandbox, api_version="v17")


def test_the_client_speaks_the_version_it_is_given(sandbox):
    older = SUPPORTED_API_VERSIONS[-2]
    sandbox.app.google.config.api_versions = (older, API_VERSION)
    client, session = make_client(sandbox, api_version=older)

    assert list(client.campaigns())
    assert session.count(f"/googleads/{older}/customers/") >= 1


def test_a_version_the_sandbox_is_not_told_to_serve_is_not_found(sandbox):
    older = SUPPORTED_API_VERSIONS[-2]
    client, _ = make_client(sandbox, api_version=older)

    with pytest.raises(PlatformError) as refused:
        list(client.campaigns())

    assert refused.value.status == 404


@pytest.mark.parametrize("version", ["v17", "v99"])
def test_a_sunset_or_unknown_version_is_answered_not_found(sandbox, version):
    response = requests.post(
        f"{google_base(sandbox)}{version}/customers/1234567890/googleAds:searchStream",
        json={"query": "SELECT campaign.id FROM campaign"},
        headers=google_headers(sandbox),
        timeout=30,
    )

    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"
    assert version in response.json()["error"]["message"]
