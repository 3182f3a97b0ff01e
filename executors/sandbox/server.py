"""Serving the sandbox over real HTTP on loopback with waitress.

`serve` runs in the foreground (for `manage.py sandbox serve`); `SandboxServer` runs in a
background thread for tests. Both use a waitress channel whose tasks understand
`AbortConnection`: the connection is closed with SO_LINGER=0, so the client sees a TCP
reset and no HTTP response at all, the way a dropped load-balancer connection looks.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import sys
import urllib.parse
import urllib.request

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import WSGITask

from executors.sandbox.app import SandboxApp
from executors.sandbox.auth import DEFAULT_TOKEN_TTL
from executors.sandbox.errors import AbortConnection
from executors.sandbox.faults import merge_faults
from executors.sandbox.world import World
from sandbox.serving import BackgroundServer

DEFAULT_SEED = 1
DEFAULT_THREADS = 8


class _ResettingTask(WSGITask):
    def execute(self) -> None:
        try:
            super().execute()
        except AbortConnection:
            # Nothing has been written for this request: make closing the socket send an
            # RST, and tell waitress the (empty) response is done so it writes no headers.
            with contextlib.suppress(OSError):  # the client may already be gone
                self.channel.socket.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            self.wrote_header = True
            self.close_on_finish = True


class _ResettingChannel(HTTPChannel):
    task_class = _ResettingTask


def build_world(seed: int = DEFAULT_SEED, state_path: str | None = None, **world_options) -> World:
    """Load the world from `state_path` if it exists, else create it (and save it there)."""
    if state_path and os.path.exists(state_path):
        return World.load(state_path)
    world = World(seed, **world_options)
    if state_path:
        world.save(state_path)
    return world


def make_app(
    world: World,
    *,
    state_path: str | None = None,
    token_ttl: float = DEFAULT_TOKEN_TTL,
    latency_ms: float | None = None,
    write_rate_limit: float | None = None,
    google_api_versions: tuple[str, ...] | None = None,
) -> SandboxApp:
    """The WSGI app for a world, with server-level latency / write-rate options applied."""
    overrides = {}
    if latency_ms is not None:
        overrides["latencyMs"] = latency_ms
    if write_rate_limit is not None:
        overrides["writeRateLimit"] = write_rate_limit
    if overrides:
        world.faults = merge_faults(world.faults, overrides)
    app = SandboxApp(world, state_path=state_path, token_ttl=token_ttl)
    if google_api_versions:  # the Google Ads API versions served (default: API_VERSION)
        app.google.config.api_versions = tuple(google_api_versions)
    return app


def _waitress(app: SandboxApp, host: str, port: int, threads: int):
    server = create_server(app, host=host, port=port, threads=threads, ident="spectra-sandbox")
    server.channel_class = _ResettingChannel
    return server


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = DEFAULT_SEED,
    state_path: str | None = None,
    *,
    threads: int = DEFAULT_THREADS,
    token_ttl: float = DEFAULT_TOKEN_TTL,
    latency_ms: float | None = None,
    write_rate_limit: float | None = None,
    google_api_versions: tuple[str, ...] | None = None,
    **world_options,
) -> None:
    """Serve a sandbox world until interrupted (Ctrl-C).

    An existing `state_path` wins over `seed` and `world_options` (the saved world is
    resumed); otherwise a new world is created and saved there. Prints the base URL.
    """
    world = build_world(seed, state_path, **world_options)
    app = make_app(
        world,
        state_path=state_path,
        token_ttl=token_ttl,
        latency_ms=latency_ms,
        write_rate_limit=write_rate_limit,
        google_api_versions=google_api_versions,
    )
    server = _waitress(app, host, port, threads)
    print(
        f"Spectra sandbox on http://{host}:{server.effective_port} "
        f"(seed {world.seed}, today {world.today_date}, org {world.org_id}, "
        f"client_id {world.client_id})",
        file=sys.stdout,
        flush=True,
    )
    server.run()


class SandboxServer:
    """A sandbox served from a background thread, for tests.

    >>> with SandboxServer(seed=1, campaigns=6) as sb:
    ...     requests.get(sb.base_url + "/_sandbox/state")
    """

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        *,
        world: World | None = None,
        state_path: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = DEFAULT_THREADS,
        token_ttl: float = DEFAULT_TOKEN_TTL,
        latency_ms: float | None = None,
        write_rate_limit: float | None = None,
        google_api_versions: tuple[str, ...] | None = None,
        **world_options,
    ):
        if world is None:
            world = build_world(seed, state_path, **world_options)
        self.world = world
        self.app = make_app(
            world,
            state_path=state_path,
            token_ttl=token_ttl,
            latency_ms=latency_ms,
            write_rate_limit=write_rate_limit,
            google_api_versions=google_api_versions,
        )
        self.lock = self.app.lock
        self._host, self._port, self._threads = host, port, threads
        self._server = None
        self._running: BackgroundServer | None = None
        self.base_url = ""

    def start(self) -> SandboxServer:
        """Bind a port and start serving in a daemon thread."""
        self._server = _waitress(self.app, self._host, self._port, self._threads)
        self.base_url = f"http://{self._host}:{self._server.effective_port}"
        self._running = BackgroundServer(self._server, name="sandbox-server").start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._running is None:
            return
        self._running.stop()
        self._running = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Conveniences for tests; clients under test should do all this themselves.
    @property
    def credentials(self) -> dict[str, str]:
        """The credentials an Adobe client needs for this sandbox."""
        return {
            "client_id": self.world.client_id,
            "client_secret": self.world.client_secret,
            "ims_org_id": self.world.org_id,
            "sandbox_name": self.world.sandbox_name,
        }

    def fetch_token(self) -> str:
        """A fresh access token from the sandbox's IMS endpoint."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.world.client_id,
            "client_secret": self.world.client_secret,
            "scope": "openid,AdobeID",
        }
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base_url + "/ims/token/v3", data=data)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["access_token"]

    def headers(self, token: str | None = None) -> dict[str, str]:
        """The four Adobe gateway headers (fetching a token if none is given)."""
        return {
            "Authorization": f"Bearer {token or self.fetch_token()}",
            "x-api-key": self.world.client_id,
            "x-gw-ims-org-id": self.world.org_id,
            "x-sandbox-name": self.world.sandbox_name,
        }
