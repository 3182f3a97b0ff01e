"""A real HTTP server standing in for an organization's webhook, and a synchronous task queue."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django_q.conf import Conf


@pytest.fixture
def webhook():
    """A local HTTP endpoint; `.url`, `.received` (parsed JSON bodies), `.status` to answer."""
    state = SimpleNamespace(received=[], headers=[], status=204, url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(json.loads(body))
            state.headers.append(dict(self.headers))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/spectra-secret-token"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def tasks_run_inline(monkeypatch):
    """Run django-q2 tasks in the calling process, as `"sync": True` in Q_CLUSTER would.

    Q_CLUSTER is read once into django_q.conf.Conf at import, so patching Conf
    is the way to switch it for one test.
    """
    monkeypatch.setattr(Conf, "SYNC", True)
