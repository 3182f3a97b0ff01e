"""At connection time the host is resolved once, every address it resolves to must be
allowed, and the connection goes to the address that was checked: a name that turns
into 127.0.0.1 after it was saved (DNS rebinding) reaches nothing."""

import pytest
import requests

from campaigns.urlpolicy import OutboundURLRefused, Purpose, guarded_session
from tests.campaigns.outbound_support import fake_dns, loopback_server, record_connections

PUBLIC = "93.184.215.14"  # a global address; the recorder refuses it without a packet


@pytest.fixture
def deployment(settings):
    """Production-like, with one operator-listed webhook host and the test server's port."""
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = False
    settings.SPECTRA_WEBHOOK_HOSTS = ["hooks.rebind.test"]
    return settings


def test_a_name_that_rebinds_to_loopback_after_it_was_checked_reaches_nothing(
    deployment, monkeypatch
):
    with loopback_server() as server:
        deployment.SPECTRA_OUTBOUND_PORTS = [server.port]
        url = f"http://hooks.rebind.test:{server.port}/hook"
        # Public for the first look-up, then 127.0.0.1 (the attacker's TTL-0 answer).
        lookups = fake_dns(monkeypatch, {"hooks.rebind.test": [[PUBLIC], ["127.0.0.1"]]})
        connected = record_connections(monkeypatch)
        session = guarded_session(Purpose.WEBHOOK)

        with pytest.raises(requests.ConnectionError):
            session.post(url, json={}, timeout=5)  # pinned to the public address it checked
        with pytest.raises(OutboundURLRefused, match="resolves to a loopback address"):
            session.post(url, json={}, timeout=5)

    assert lookups == ["hooks.rebind.test", "hooks.rebind.test"]  # once per request
    assert [address for address, _port in connected] == [PUBLIC]
    assert server.requests == []


def test_one_private_address_among_public_ones_refuses_the_host(deployment, monkeypatch):
    fake_dns(monkeypatch, {"hooks.rebind.test": [[PUBLIC, "10.0.0.7"]]})
    connected = record_connections(monkeypatch)

    with pytest.raises(OutboundURLRefused, match="resolves to a private-network address"):
        guarded_session(Purpose.WEBHOOK).post("http://hooks.rebind.test/hook", timeout=5)

    assert connected == []


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a00:1", "private-network"),  # NAT64 of 10.0.0.1
        ("fe80::1", "link-local"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_resolved_addresses_are_judged_like_written_ones(deployment, monkeypatch, address, why):
    fake_dns(monkeypatch, {"hooks.rebind.test": [[address]]})
    connected = record_connections(monkeypatch)

    with pytest.raises(OutboundURLRefused, match=why):
        guarded_session(Purpose.WEBHOOK).get("http://hooks.rebind.test/", timeout=5)

    assert connected == []


def test_a_url_the_policy_refuses_is_not_even_resolved(deployment, monkeypatch):
    lookups = fake_dns(monkeypatch, {"evil.example": [["127.0.0.1"]]})
    connected = record_connections(monkeypatch)

    with pytest.raises(OutboundURLRefused, match="not one of the hosts allowed for webhooks"):
        guarded_session(Purpose.WEBHOOK).get("http://evil.example/", timeout=5)

    assert lookups == [] and connected == []


def test_the_pinned_connection_still_names_the_host(settings, monkeypatch):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = True
    settings.SPECTRA_PLATFORM_HOSTS = ["sandbox.test"]
    with loopback_server() as server:
        settings.SPECTRA_OUTBOUND_PORTS = [server.port]
        lookups = fake_dns(monkeypatch, {"sandbox.test": [["127.0.0.1"]]})
        connected = record_connections(monkeypatch)

        response = guarded_session(Purpose.ADOBE_API).get(
            f"http://sandbox.test:{server.port}/campaigns", timeout=5
        )

    assert response.status_code == 200
    assert lookups == ["sandbox.test"]  # urllib3 did not resolve the name again
    assert connected == [("127.0.0.1", server.port)]
    [(_method, path, headers)] = server.requests
    assert path == "/campaigns"
    assert headers["Host"] == f"sandbox.test:{server.port}"


def test_a_session_refuses_proxies_it_cannot_check(settings):
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = True
    session = guarded_session(Purpose.ADOBE_API)

    with pytest.raises(OutboundURLRefused, match="proxy"):
        session.get("http://127.0.0.1:9/", proxies={"http": "http://127.0.0.1:3128"}, timeout=5)


def test_localhost_must_resolve_to_loopback_only(settings, monkeypatch):
    # It skips the host list and the https rule as loopback, so it must be loopback.
    settings.SPECTRA_ALLOW_LOOPBACK_URLS = True
    fake_dns(monkeypatch, {"api.localhost": [["127.0.0.1", PUBLIC]]})
    connected = record_connections(monkeypatch)

    with pytest.raises(OutboundURLRefused, match="resolves to an address beyond loopback"):
        guarded_session(Purpose.ADOBE_API).get("http://api.localhost:8765/", timeout=5)

    assert connected == []
