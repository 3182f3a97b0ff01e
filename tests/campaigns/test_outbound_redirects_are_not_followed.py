"""An allowed host that answers with a redirect does not get Spectra to call where it
points: platform calls and webhooks refuse redirects instead of following them."""

import pytest

from campaigns.urlpolicy import OutboundURLRefused, Purpose, guarded_session
from executors.clients.adobe import AdobeClient
from executors.clients.errors import PlatformError
from tests.campaigns.outbound_support import loopback_server, record_connections


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = True
    settings.SPECTRA_ALLOW_PRIVATE_URLS = True  # so only the redirect rule can refuse it


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_a_private_address_is_not_followed(monkeypatch, status):
    connected = record_connections(monkeypatch)
    redirect = {"Location": "http://10.0.0.1/admin/reset"}
    refused = rf"answered with a redirect \(HTTP {status}\)"
    with (
        loopback_server(status, redirect) as server,
        pytest.raises(OutboundURLRefused, match=refused),
    ):
        guarded_session(Purpose.WEBHOOK).post(f"http://127.0.0.1:{server.port}/hook", json={})

    assert len(server.requests) == 1
    assert connected == [("127.0.0.1", server.port)]


def test_a_platform_client_reports_a_redirect_as_a_url_it_may_not_call(monkeypatch):
    connected = record_connections(monkeypatch)
    with loopback_server(302, {"Location": "http://192.168.0.10/ims/token/v3"}) as server:
        client = AdobeClient(
            base_url=f"http://127.0.0.1:{server.port}/",
            credentials={"client_id": "c", "client_secret": "s", "ims_org_id": "o@AdobeOrg"},
        )
        with pytest.raises(PlatformError, match=r"URL is not allowed.*redirect") as caught:
            client.access_token()

    assert not caught.value.retryable
    assert caught.value.code == "url_not_allowed"
    assert {address for address, _ in connected} == {"127.0.0.1"}
