"""Registering the metrics collector reads nothing: `manage.py` commands that run before
the tables exist (makemigrations, migrate on a new database) must not query them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_makemigrations_runs_on_an_empty_database(tmp_path):
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "empty.sqlite3"), "SPECTRA_ENV": "test"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "No changes detected" in done.stdout
