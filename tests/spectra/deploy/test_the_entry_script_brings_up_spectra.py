"""The image's entry script, run as the container runs it: init, then web and worker.

Production settings (DEBUG off, hashed static files served by WhiteNoise, keys made
by init) on a SQLite file, because these machines cannot run the image itself.
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.spectra.deploy.settings_read import ENTRY_SCRIPT, ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def deployment(tmp_path):
    port = _free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "SPECTRA_ENV": "production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'spectra.sqlite3'}",
        "SPECTRA_VAR_DIR": str(tmp_path / "var"),
        "SPECTRA_STATIC_ROOT": str(tmp_path / "static"),
        "SPECTRA_SECRETS_FILE": str(tmp_path / "data" / "secrets.env"),
        "SPECTRA_WEB_LISTEN": f"127.0.0.1:{port}",
        "Q_WORKERS": "1",
    }
    children = []

    def run(role, **kw):
        return subprocess.run(
            ["sh", str(ENTRY_SCRIPT), role], env=env, cwd=ROOT, capture_output=True, text=True, **kw
        )

    def start(role):
        child = subprocess.Popen(
            ["sh", str(ENTRY_SCRIPT), role],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        children.append(child)
        return child

    yield type("Deployment", (), {"run": run, "start": start, "env": env, "port": port})
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def _wait_until(predicate, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"not true within {seconds} s")


def test_init_then_web_then_worker_make_a_ready_spectra(deployment):
    built = deployment.run("collectstatic", timeout=180)
    assert built.returncode == 0, built.stderr

    first = deployment.run("init", timeout=300)
    assert first.returncode == 0, first.stderr
    secrets = Path(deployment.env["SPECTRA_SECRETS_FILE"])
    assert oct(secrets.stat().st_mode & 0o777) == "0o600"
    keys = secrets.read_text()
    assert re.search(r"^SECRET_KEY=\S{50,}$", keys, re.MULTILINE)
    # Every `docker compose up` runs init again: nothing changes, the keys stay.
    again = deployment.run("init", timeout=300)
    assert again.returncode == 0, again.stderr
    assert secrets.read_text() == keys

    deployment.start("web")
    base = f"http://127.0.0.1:{deployment.port}"
    _wait_until(lambda: requests.get(f"{base}/healthz/", timeout=5).status_code == 200)

    login = requests.get(f"{base}/admin/login/", timeout=10)
    assert login.status_code == 200
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', login.text)
    assert stylesheet, "static files are not served under hashed names"
    css = requests.get(base + stylesheet.group(1), timeout=10, headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200
    assert "immutable" in css.headers["Cache-Control"]
    assert css.headers.get("Content-Encoding") == "gzip"
    missing = requests.get(f"{base}/no-such-page/", timeout=10)
    assert missing.status_code == 404
    assert "Traceback" not in missing.text and "DEBUG" not in missing.text

    deployment.start("worker")

    def ready_with_a_worker():
        answer = requests.get(f"{base}/readyz/", timeout=10)
        body = answer.json()
        return (
            answer.status_code == 200
            and isinstance(body.get("workers"), int)
            and body["workers"] >= 1
            and body
        )

    body = _wait_until(ready_with_a_worker)
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert body["scheduler"] == "on time"


def test_a_key_given_in_the_environment_wins_over_the_generated_one(deployment):
    secrets = Path(deployment.env["SPECTRA_SECRETS_FILE"])
    secrets.parent.mkdir(parents=True)
    secrets.write_text("SECRET_KEY=from-the-file\nSPECTRA_CREDENTIALS_KEY=also-from-the-file\n")
    deployment.env["SECRET_KEY"] = "k" * 30 + "ABCDEFGHIJ" + "0123456789" + "xyz"
    probe = subprocess.run(
        [
            "sh",
            str(ENTRY_SCRIPT),
            "sh",
            "-c",
            'printf "%s|%s" "$SECRET_KEY" "$SPECTRA_CREDENTIALS_KEY"',
        ],
        env=deployment.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout == f"{deployment.env['SECRET_KEY']}|also-from-the-file"
