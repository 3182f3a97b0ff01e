"""A fake resolver, a connection recorder and a small loopback HTTP server for the
outbound URL policy's tests. Nothing here sends a packet beyond 127.0.0.1."""

import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import urllib3.util.connection

REAL_GETADDRINFO = socket.getaddrinfo


def fake_dns(monkeypatch, answers: dict[str, list]):
    """Resolve each name in `answers` to its next list of addresses (the last one
    repeats); other hosts as usual. Returns the names looked up, in order."""
    lookups = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host in answers:
            lookups.append(host)
            queue = answers[host]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]
        return REAL_GETADDRINFO(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def record_connections(monkeypatch, *, refuse_beyond_loopback=True):
    """Every (address, port) urllib3 connects to; anything but loopback is refused
    without a packet (this machine must never reach outside)."""
    connected = []
    real = urllib3.util.connection.create_connection

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        if refuse_beyond_loopback and not address[0].startswith(("127.", "::1")):
            raise ConnectionRefusedError("test: no traffic beyond loopback")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return connected


@contextmanager
def loopback_server(status=200, headers=None, body=b"{}"):
    """An HTTP server on 127.0.0.1 answering every request with `status`; `.requests`
    holds (method, path, headers) of what reached it."""
    state = SimpleNamespace(requests=[], port=0)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            state.requests.append((self.command, self.path, dict(self.headers)))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
