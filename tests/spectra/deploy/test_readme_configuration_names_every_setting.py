"""The README's configuration table says what every variable Spectra reads means."""

import re

from tests.spectra.deploy.settings_read import ROOT, variables_spectra_reads


def _documented() -> set[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_spectra_reads_has_a_row_in_the_readme():
    missing = variables_spectra_reads() - _documented()
    assert missing == set(), f"document in README's Configuration table: {sorted(missing)}"
