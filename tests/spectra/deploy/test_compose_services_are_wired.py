"""The compose files hang together: services start in order, every command is a role the
entry script knows, and the web service is checked by the endpoint meant for it.

These machines have no Docker daemon or compose plugin, so `docker compose config`
cannot run here; these checks are what can be proven without it."""

import re

import yaml

from tests.spectra.deploy.settings_read import ENTRY_SCRIPT, ROOT

ROLES = set(re.findall(r"^    ([a-z-]+)\)$", ENTRY_SCRIPT.read_text(), re.MULTILINE))


def _load(name):
    return yaml.safe_load((ROOT / name).read_text())


def test_every_spectra_service_runs_a_role_the_entry_script_knows():
    for name in ("compose.yaml", "compose.sandbox.yaml"):
        for service, spec in _load(name)["services"].items():
            if spec.get("image", "").startswith("spectra") or "command" in spec:
                assert spec["command"][0] in ROLES, (name, service, spec["command"])


def test_dependencies_name_services_that_exist_and_wait_for_init():
    services = _load("compose.yaml")["services"]
    sandboxed = {**services, **_load("compose.sandbox.yaml")["services"]}
    for service, spec in sandboxed.items():
        for needed in spec.get("depends_on", {}):
            assert needed in sandboxed, (service, needed)
    for service in ("web", "worker", "watchdog"):
        condition = services[service]["depends_on"]["init"]["condition"]
        assert condition == "service_completed_successfully", service
    assert services["init"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_web_service_is_health_checked_without_the_database():
    test = " ".join(_load("compose.yaml")["services"]["web"]["healthcheck"]["test"])
    assert "/healthz/" in test


def test_workers_share_the_redis_broker():
    environment = _load("compose.yaml")["x-spectra"]["environment"]
    assert environment["SPECTRA_BROKER"].endswith(":-redis}")
    assert "redis://redis:6379" in environment["REDIS_URL"]
