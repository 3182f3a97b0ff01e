"""The kill switches: operators flip the global one, organization admins their own."""

import pytest

from campaigns.models import ExecutionSwitch
from campaigns.switches import writes_allowed
from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_operator_switches_platform_writes_off_for_everyone(superuser):
    response = client_for(superuser).put(
        "/api/v1/execution-switch/", {"enabled": False, "reason": "incident 42"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["changed_by"] == "root"
    assert not writes_allowed().enabled


def test_an_organization_admin_reads_but_cannot_flip_the_global_switch(alice):
    client = client_for(alice.admin)
    assert client.get("/api/v1/execution-switch/").json()["enabled"] is True
    response = client.put(
        "/api/v1/execution-switch/", {"enabled": False, "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not ExecutionSwitch.objects.exists()


def test_a_viewer_does_not_see_the_global_switch(alice):
    assert client_for(alice.viewer).get("/api/v1/execution-switch/").status_code == 403


def test_an_organization_admin_switches_off_their_own_organization(alice, bob):
    response = client_for(alice.admin).post(
        f"/api/v1/organizations/{alice.org.pk}/execution/",
        {"enabled": False, "reason": "client asked"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["execution_enabled"] is False
    assert not writes_allowed(alice.org.pk).enabled
    assert writes_allowed(bob.org.pk).enabled


def test_an_approver_cannot_switch_their_organization_off(alice):
    response = client_for(alice.approver).post(
        f"/api/v1/organizations/{alice.org.pk}/execution/",
        {"enabled": False, "reason": "x"},
        format="json",
    )
    assert response.status_code == 403
