"""What Spectra reads from the environment, found in its source.

Every reader goes through spectra/env.py (`env_str("NAME", …)` and friends), and the
image's entry script reads its own few with `${NAME:-…}`; one scan of both finds
every variable, including those read only on some paths.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
APPS = ["spectra", "campaigns", "executors", "creative", "optimizer", "experiments", "api"]
ENTRY_SCRIPT = ROOT / "deploy" / "entrypoint.sh"
_READER = re.compile(r"\benv_[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"")
_SHELL = re.compile(r"\$\{([A-Z][A-Z0-9_]*):-")
# Read only under pytest (the name of the throw-away test database): no deployment sets it.
TEST_ONLY = {"SPECTRA_TEST_DB_NAME"}


def python_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def variables_spectra_reads() -> set[str]:
    names = set()
    for path in python_sources():
        names.update(_READER.findall(path.read_text()))
    names.update(_SHELL.findall(ENTRY_SCRIPT.read_text()))
    return names - TEST_ONLY
