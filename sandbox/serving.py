"""Serving a sandbox in a background thread that stops at once when asked.

waitress's own `server.run()` loops until its socket map empties, which another thread
cannot make happen promptly; this loop checks a stop flag every 50 ms instead, then
closes every connection and lets the worker threads finish.
"""

import contextlib
import threading

from waitress.wasyncore import loop


class BackgroundServer:
    """Runs a created waitress server in a daemon thread until `stop()`."""

    def __init__(self, server, *, name: str):
        self.server = server
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def _run(self) -> None:
        server_map = self.server._map
        while not self._stopping.is_set():
            loop(timeout=0.05, map=server_map, use_poll=True, count=1)
        for dispatcher in list(server_map.values()):
            with contextlib.suppress(OSError):
                dispatcher.close()
        self.server.task_dispatcher.shutdown(timeout=5)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
