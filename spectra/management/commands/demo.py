"""`manage.py demo` — sandbox platform, demo org, 35 days synced, admin + worker.

Starts the sandbox (state in var/sandbox.json, so restarts keep its world),
seeds the demo organization, syncs, prints logins, then serves the admin at
127.0.0.1:8000 with a qcluster worker until Ctrl-C stops all of them.
"""

import signal
import socket
import subprocess
import sys
import time
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creative.defaults import install_defaults
from spectra.demo import DEMO_TIME_ZONE, demo_seed, demo_sync

SANDBOX_PORT = 8765
LLM_SANDBOX_PORT = 8766  # settings.SANDBOX_LLM_URL's default
HISTORY_DAYS = 35


def _wait_for_port(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = "Run the Spectra demo on the sandbox platform."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sandbox-url",
            default="",
            help="Use a sandbox that is already running instead of starting one.",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up and sync, then exit (no admin server, no worker).",
        )
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **opts):
        # SIGTERM (a stopped terminal, `timeout`, CI) must run the cleanup below
        # too, or the sandbox and the worker outlive the demo.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        children: list[subprocess.Popen] = []
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            sandbox_url = opts["sandbox_url"]
            if not sandbox_url:
                sandbox_url = f"http://127.0.0.1:{SANDBOX_PORT}/"
                children.append(self._start_sandbox(manage))
            install_defaults()  # Spectra's prompts and model prices, once
            self.stdout.write("Seeding the demo organization and syncing 35 days…")
            for account in demo_seed(sandbox_url=sandbox_url):
                started = time.monotonic()
                summary = demo_sync(account, days=HISTORY_DAYS)
                self._print_summary(summary, time.monotonic() - started)
            self._print_logins(summary, opts["port"])
            if opts["no_serve"]:
                return
            if not settings.SPECTRA_LLM_BASE_URL:
                children.append(self._start_llm_sandbox(manage))
            subprocess.run([*manage, "install_schedules"], check=False)
            children.append(subprocess.Popen([*manage, "qcluster"]))
            children.append(
                subprocess.Popen([*manage, "runserver", f"127.0.0.1:{opts['port']}", "--noreload"])
            )
            self._wait(children)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _start_sandbox(self, manage) -> subprocess.Popen:
        if _wait_for_port(SANDBOX_PORT, seconds=0.2):
            raise CommandError(
                f"Port {SANDBOX_PORT} is taken: is another demo running? "
                "Stop it, or pass --sandbox-url."
            )
        # The sandbox's "today" is the account's today, so its last complete
        # day is the account's yesterday.
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)).date()
        state = settings.VAR_DIR / "sandbox.json"
        child = subprocess.Popen(
            [
                *manage,
                "sandbox",
                "serve",
                "--port",
                str(SANDBOX_PORT),
                "--seed",
                "42",
                "--state",
                str(state),
                "--start-date",
                (today - timedelta(days=HISTORY_DAYS)).isoformat(),
            ]
        )
        if not _wait_for_port(SANDBOX_PORT):
            child.kill()
            raise CommandError("The sandbox platform did not start within 60 s.")
        return child

    def _start_llm_sandbox(self, manage) -> subprocess.Popen:
        """The embedded model the AI layer calls when no provider is configured."""
        if _wait_for_port(LLM_SANDBOX_PORT, seconds=0.2):
            raise CommandError(f"Port {LLM_SANDBOX_PORT} is taken: is another demo running?")
        child = subprocess.Popen(
            [*manage, "llm_sandbox", "--port", str(LLM_SANDBOX_PORT), "--seed", "42"]
        )
        if not _wait_for_port(LLM_SANDBOX_PORT):
            child.kill()
            raise CommandError("The sandbox model did not start within 60 s.")
        return child

    def _print_summary(self, s, seconds: float) -> None:
        w = self.stdout.write
        w(self.style.SUCCESS(f"\n{s.account.name}: synced over HTTP in {seconds:.1f}s"))
        w(f"  {s.campaigns} campaigns · {s.ad_groups} ad groups · {s.audiences} audiences")
        w(
            f"  {s.metric_rows} daily metric rows over {s.days} days · "
            f"{s.quarantined} rows quarantined"
        )

    def _print_logins(self, s, port: int) -> None:
        w = self.stdout.write
        w(
            "\nThe daily cycle (sync → optimise → approve by policy → execute) starts within "
            "a minute; low-risk changes are applied to the sandbox, the rest wait in the "
            "approval queue."
        )
        w(f"\nAdmin: http://127.0.0.1:{port}/admin/")
        for username, password, role in s.logins:
            w(f"  {username:<16} {password:<14} {role}")

    def _wait(self, children) -> None:
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
            return
        dead = [c.args for c in children if c.poll() is not None]
        raise CommandError(f"A demo process stopped: {dead}")
