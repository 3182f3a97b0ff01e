"""The platform clients call only what the URL policy allows: the sandbox on loopback
where the deployment allows loopback (every other sandbox test), nothing on loopback
where it does not, and only each platform's own hosts."""

import pytest

from campaigns.models import SyncRun, SyncStatus
from executors.clients.adobe import AdobeClient
from executors.clients.errors import PlatformError
from executors.clients.google_ads import GoogleAdsClient
from executors.sync import sync_account
from tests.campaigns.outbound_support import record_connections
from tests.executors.conftest import WINDOW


def test_the_sandbox_is_refused_where_the_deployment_does_not_allow_loopback(
    sandbox_account, settings, monkeypatch
):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False
    connected = record_connections(monkeypatch)

    with pytest.raises(PlatformError, match="not allowed"):
        sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    run = SyncRun.objects.get(account=sandbox_account)
    assert run.status == SyncStatus.FAILED
    assert "its host is a loopback address" in run.error
    assert connected == []


def test_an_adobe_client_does_not_call_another_platforms_host(settings, monkeypatch):
    connected = record_connections(monkeypatch)
    client = AdobeClient(
        base_url="https://googleads.googleapis.com/",
        credentials={"client_id": "c", "client_secret": "s", "ims_org_id": "o@AdobeOrg"},
    )

    with pytest.raises(PlatformError, match="not one of the hosts allowed for Adobe's API"):
        client.access_token()

    assert connected == []


def test_a_google_ads_client_does_not_call_a_private_address(settings, monkeypatch):
    settings.SPECTRA_PLATFORM_HOSTS = ["ads-proxy.corp.test"]
    connected = record_connections(monkeypatch)
    client = GoogleAdsClient(
        base_url="https://10.20.30.40/",
        customer_id="123-456-7890",
        credentials={
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
            "developer_token": "d",
        },
    )

    with pytest.raises(PlatformError, match="private-network address") as caught:
        client.access_token()

    assert not caught.value.retryable
    assert connected == []
