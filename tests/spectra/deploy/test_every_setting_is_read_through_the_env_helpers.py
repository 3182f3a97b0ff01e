"""The scan in settings_read.py is complete only if nothing reads os.environ directly."""

import re

from tests.spectra.deploy.settings_read import ROOT, python_sources, variables_spectra_reads

# Setting DJANGO_SETTINGS_MODULE is not reading configuration.
_ALLOWED = re.compile(r"os\.environ\.setdefault\(\"DJANGO_SETTINGS_MODULE\"")
_DIRECT = re.compile(r"os\.environ|os\.getenv|getenv\(")


def test_no_module_but_the_env_helpers_reads_the_environment():
    offenders = []
    for path in python_sources():
        if path == ROOT / "spectra" / "env.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _DIRECT.search(line) and not _ALLOWED.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "read it through spectra/env.py:\n" + "\n".join(offenders)


def test_the_scan_finds_the_settings_everyone_knows():
    names = variables_spectra_reads()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SPECTRA_WEB_LISTEN"} <= names
    assert len(names) > 50
