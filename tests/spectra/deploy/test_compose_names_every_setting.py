"""compose.yaml is the deployment's whole configuration: every variable Spectra reads
is named in it (given, or passed through from the shell), and nothing else is."""

import yaml

from tests.spectra.deploy.settings_read import ROOT, variables_spectra_reads


def _compose(name="compose.yaml"):
    return yaml.safe_load((ROOT / name).read_text())


def test_every_variable_spectra_reads_is_in_the_compose_environment():
    environment = _compose()["x-spectra"]["environment"]
    missing = variables_spectra_reads() - set(environment)
    assert missing == set(), f"add to compose.yaml's x-spectra environment: {sorted(missing)}"


def test_the_compose_environment_names_nothing_spectra_does_not_read():
    environment = _compose()["x-spectra"]["environment"]
    unknown = set(environment) - variables_spectra_reads()
    assert unknown == set(), f"compose.yaml names variables nothing reads: {sorted(unknown)}"


def test_secrets_are_never_written_into_the_compose_file():
    environment = _compose()["x-spectra"]["environment"]
    for name in (
        "SECRET_KEY",
        "SPECTRA_CREDENTIALS_KEY",
        "EMAIL_HOST_PASSWORD",
        "SPECTRA_LLM_API_KEY",
    ):
        assert environment[name] is None, f"{name} must come from the shell or init's file"


def test_the_sandbox_override_sets_only_variables_spectra_reads():
    override = _compose("compose.sandbox.yaml")
    for service in ("init", "web", "worker", "watchdog", "demo-seed"):
        names = set(override["services"][service]["environment"])
        assert names <= variables_spectra_reads(), (service, names - variables_spectra_reads())
