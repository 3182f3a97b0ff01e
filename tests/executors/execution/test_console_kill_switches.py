"""The console's kill switches: global (operators) and per organization (its admins)."""

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import ExecutionSwitch, Organization, RecommendationStatus
from campaigns.services.errors import ServiceError
from campaigns.services.switch import execution_switch_set, organization_execution_set
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, sandbox_writes


def test_the_global_switch_blocks_the_next_execution_with_the_operators_reason(
    sandbox, live_account, alice, superuser
):
    execution_switch_set(actor=superuser, enabled=False, reason="Quarter-end freeze")
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert "switched off globally: Quarter-end freeze" in done.outcome_detail
    assert sandbox_writes(sandbox)["writes"] == []
    record = ExecutionSwitch.history.latest()
    assert record.history_user == superuser
    assert "Quarter-end freeze" in record.history_change_reason


def test_switching_back_on_lets_the_requeued_change_through(
    sandbox, live_account, alice, superuser
):
    execution_switch_set(actor=superuser, enabled=False, reason="pause")
    execution_switch_set(actor=superuser, enabled=True, reason="resume")
    rec = approved_budget(live_account, alice.approver)

    assert execute_recommendation(rec.pk).status == RecommendationStatus.EXECUTED
    assert ExecutionSwitch.history.count() == 2


def test_an_organization_switch_stops_only_that_organization(sandbox, live_account, alice, bob):
    organization_execution_set(
        organization=bob.org, actor=bob.admin, enabled=False, reason="bob's own freeze"
    )
    rec = approved_budget(live_account, alice.approver)  # alice's account: unaffected
    assert execute_recommendation(rec.pk).status == RecommendationStatus.EXECUTED

    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="incident 42"
    )
    second = approved_budget(live_account, alice.approver, external_id="CMP-0002")
    done = execute_recommendation(second.pk)
    assert done.status == RecommendationStatus.BLOCKED
    assert "switched off for this organization" in done.outcome_detail
    history = Organization.history.filter(id=alice.org.pk).latest()
    assert history.history_user == alice.admin and "incident 42" in history.history_change_reason


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_only_an_organization_admin_flips_its_switch(alice, role):
    with pytest.raises(PermissionDenied):
        organization_execution_set(
            organization=alice.org, actor=getattr(alice, role), enabled=False, reason="x"
        )
    alice.org.refresh_from_db()
    assert alice.org.execution_enabled


def test_an_admin_of_another_organization_cannot_flip_it(alice, bob):
    with pytest.raises(PermissionDenied):
        organization_execution_set(
            organization=alice.org, actor=bob.admin, enabled=False, reason="x"
        )


def test_an_organization_admin_cannot_flip_the_global_switch(alice):
    with pytest.raises(PermissionDenied):
        execution_switch_set(actor=alice.admin, enabled=False, reason="x")
    assert not ExecutionSwitch.objects.exists()


def test_a_flip_needs_a_reason(superuser):
    with pytest.raises(ServiceError, match="Say why"):
        execution_switch_set(actor=superuser, enabled=False, reason="  ")
