"""Connecting to the checked address does not weaken TLS: the server is asked for the
host's certificate (SNI) and the certificate must name the host, not the address."""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from campaigns.urlpolicy import Purpose, guarded_session
from tests.campaigns.outbound_support import fake_dns, record_connections

NAME = "platform.tls.test"


def _certificate(tmp_path):
    """A CA and a server certificate for NAME, as PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Spectra test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_server(tmp_path, settings, monkeypatch):
    ca_file, cert_file, key_file = _certificate(tmp_path)
    asked_for = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, name, ctx: asked_for.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    settings.SPECTRA_ALLOW_LOOPBACK_URLS = True
    settings.SPECTRA_PLATFORM_HOSTS = [NAME, "other.tls.test"]
    settings.SPECTRA_OUTBOUND_PORTS = [server.server_port]
    fake_dns(monkeypatch, {NAME: [["127.0.0.1"]], "other.tls.test": [["127.0.0.1"]]})
    yield server.server_port, str(ca_file), asked_for
    server.shutdown()
    server.server_close()


def test_https_to_the_pinned_address_asks_for_and_verifies_the_hosts_certificate(
    tls_server, monkeypatch
):
    port, ca_file, asked_for = tls_server
    connected = record_connections(monkeypatch)

    response = guarded_session(Purpose.ADOBE_API).get(
        f"https://{NAME}:{port}/campaigns", verify=ca_file, timeout=5
    )

    assert response.status_code == 200
    assert connected == [("127.0.0.1", port)]
    assert asked_for == [NAME]


def test_a_certificate_for_another_name_is_refused(tls_server):
    port, ca_file, _asked_for = tls_server

    with pytest.raises(requests.exceptions.SSLError):
        guarded_session(Purpose.ADOBE_API).get(
            f"https://other.tls.test:{port}/", verify=ca_file, timeout=5
        )
