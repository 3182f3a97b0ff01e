"""The model sandbox on loopback: a waitress server in a background thread (tests, the
demo) or in the foreground (`manage.py llm_sandbox`)."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request

from waitress.server import create_server
from waitress.wasyncore import loop

from sandbox.llm.app import LLMSandboxApp


class LLMSandboxServer:
    """`with LLMSandboxServer(seed=1) as llm:` serves on a free port until the block ends."""

    def __init__(self, *, seed: int = 1, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
        self.app = LLMSandboxApp(seed=seed)
        self._server = create_server(self.app, host=host, port=port, threads=threads)
        self.port = self._server.effective_port
        self.base_url = f"http://{host}:{self.port}/v1"
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> LLMSandboxServer:
        self._thread = threading.Thread(target=self._run, daemon=True, name="llm-sandbox")
        self._thread.start()
        return self

    def _run(self) -> None:
        # Our own loop (not server.run) so that stop() ends it at once from another thread.
        server_map = self._server._map
        while not self._stopping.is_set():
            loop(timeout=0.05, map=server_map, use_poll=True, count=1)
        for dispatcher in list(server_map.values()):
            with contextlib.suppress(OSError):
                dispatcher.close()
        self._server.task_dispatcher.shutdown(timeout=5)

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout=10)
            self._thread = None

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
