"""The model sandbox on loopback: a waitress server in a background thread (tests, the
demo) or in the foreground (`manage.py llm_sandbox`)."""

from __future__ import annotations

import json
import urllib.request

from waitress.server import create_server

from sandbox.llm.app import LLMSandboxApp
from sandbox.serving import BackgroundServer


class LLMSandboxServer:
    """`with LLMSandboxServer(seed=1) as llm:` serves on a free port until the block ends."""

    def __init__(self, *, seed: int = 1, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
        self.app = LLMSandboxApp(seed=seed)
        self._server = create_server(self.app, host=host, port=port, threads=threads)
        self.port = self._server.effective_port
        self.base_url = f"http://{host}:{self.port}/v1"
        self._running: BackgroundServer | None = None

    def start(self) -> LLMSandboxServer:
        self._running = BackgroundServer(self._server, name="llm-sandbox").start()
        return self

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
            self._running = None

    def __enter__(self) -> LLMSandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_faults(self, **config) -> dict:
        """Configure faults over HTTP, as a test in another process would."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/_sandbox/faults",
            data=json.dumps(config).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def faults(self) -> dict:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.port}/_sandbox/faults", timeout=5
        ) as r:
            return json.loads(r.read())


def serve(*, seed: int = 1, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve in the foreground until interrupted."""
    server = create_server(LLMSandboxApp(seed=seed), host=host, port=port, threads=8)
    print(f"LLM sandbox on http://{host}:{server.effective_port}/v1 (key: sk-sandbox)")
    server.run()
