"""The optimiser and the executor import `campaigns`, never each other nor `spectra`:
their hand-off is state, and shared helpers (account time, redaction) live in campaigns.
The AI layer (`creative`) imports `campaigns` and `sandbox` only; no app but the shell
imports it; the sandboxes import no app at all (they stand in for the outside world)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = {"campaigns", "optimizer", "executors", "creative", "experiments", "spectra", "api"}
FORBIDDEN = {
    "optimizer": {"executors", "spectra", "creative", "experiments"},
    "executors": {"optimizer", "spectra", "creative", "experiments"},
    "campaigns": {"optimizer", "executors", "spectra", "creative", "experiments", "api"},
    "creative": {"optimizer", "executors", "spectra", "experiments", "api"},
    "experiments": {"optimizer", "executors", "creative", "spectra", "api"},
    "sandbox": APPS | {"django"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_neither_its_sibling_nor_the_shell(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & FORBIDDEN[app])
        for path in (ROOT / app).rglob("*.py")
        if _imported_apps(path) & FORBIDDEN[app]
    }
    assert offenders == {}
