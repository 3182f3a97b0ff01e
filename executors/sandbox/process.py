"""The sandbox platform in a process of its own (`manage.py sandbox serve`), for benches.

A real platform does not share the client's GIL; serving 175,000 rows from a
thread of the benchmark's own process would bill the sandbox's work to Spectra.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


class SandboxProcess:
    """`manage.py sandbox serve` on a free port, for the length of a with-block."""

    def __init__(self, *, seed, campaigns, ad_groups, days, start):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.args = [
            sys.executable,
            str(MANAGE),
            "sandbox",
            "serve",
            "--port",
            str(self.port),
            "--seed",
            str(seed),
            "--campaigns",
            str(campaigns),
            "--ad-groups-per-campaign",
            str(ad_groups),
            "--audiences",
            "20",
            "--history-days",
            str(days),
            "--start-date",
            start.isoformat(),
        ]

    def __enter__(self):
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("sandbox did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
