"""A person's pause stops spending, the safe direction: the limits on how much Spectra
changes (changes per day, cooldown) never hold it back, and it passes the organization's
kill switch, with the audit saying why. Their resume gets no such pass, and the
operators' switches (environment, global) still stop everything but spend-limit pauses."""

from datetime import timedelta

from django.utils import timezone

from campaigns.audit import audit_timeline
from campaigns.models import Campaign, CampaignStatus, GuardrailPolicy, RecommendationStatus
from campaigns.services.campaigns import campaign_pause, campaign_resume
from campaigns.services.switch import execution_switch_set, organization_execution_set
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, sandbox_writes

R = RecommendationStatus


def _campaign(account, external_id="CMP-0001") -> Campaign:
    return Campaign.objects.get(account=account, external_id=external_id)


def _platform_status(sandbox, external_id="CMP-0001") -> str:
    world = sandbox.world
    return world.campaign(world.campaign_index(external_id))["status"]


def _pause(account, person):
    change = campaign_pause(campaign=_campaign(account), actor=person, reason="Spend spike")
    return execute_recommendation(change.pk)


def test_the_days_change_limit_never_holds_back_a_persons_pause(sandbox, live_account, alice):
    GuardrailPolicy.objects.create(organization=alice.org, max_changes_per_run=1)
    budget = approved_budget(live_account, alice.approver, external_id="CMP-0002")
    assert execute_recommendation(budget.pk).status == R.EXECUTED  # the day's one change

    done = _pause(live_account, alice.analyst)

    assert done.status == R.EXECUTED
    assert _platform_status(sandbox) == "paused"
    assert _campaign(live_account).status == CampaignStatus.PAUSED


def test_the_cooldown_never_holds_back_a_persons_pause(sandbox, live_account, alice):
    Campaign.objects.filter(account=live_account, external_id="CMP-0001").update(
        last_significant_change_at=timezone.now() - timedelta(hours=10)
    )

    assert _pause(live_account, alice.analyst).status == R.EXECUTED
    assert _platform_status(sandbox) == "paused"


def test_a_persons_pause_passes_the_organizations_kill_switch_and_the_audit_says_why(
    sandbox, live_account, alice
):
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="incident 42"
    )

    done = _pause(live_account, alice.analyst)

    assert done.status == R.EXECUTED
    assert _platform_status(sandbox) == "paused"
    why = (
        "Kill switch passed (platform writes are switched off for this organization): "
        f"a pause asked for by {alice.analyst} stops spending"
    )
    assert done.history.filter(history_change_reason=why).count() == 1
    timeline = audit_timeline(campaign=_campaign(live_account), search="Kill switch passed")
    assert [entry.why for entry in timeline.entries] == [why]


def test_a_budget_change_is_still_stopped_by_the_organizations_kill_switch(
    sandbox, live_account, alice
):
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="incident 42"
    )
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.BLOCKED
    assert done.outcome_detail.startswith("kill_switch")
    assert sandbox_writes(sandbox)["writes"] == []


def test_a_persons_resume_does_not_pass_the_organizations_kill_switch(sandbox, live_account, alice):
    sandbox.world.set_campaign_status("CMP-0001", False)
    Campaign.objects.filter(pk=_campaign(live_account).pk).update(status=CampaignStatus.PAUSED)
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="incident 42"
    )
    change = campaign_resume(campaign=_campaign(live_account), actor=alice.analyst, reason="Back")

    done = execute_recommendation(change.pk)

    assert done.status == R.BLOCKED
    assert "switched off for this organization" in done.outcome_detail
    assert sandbox_writes(sandbox)["writes"] == []
    assert _campaign(live_account).status == CampaignStatus.PAUSED


def test_the_operators_global_switch_still_stops_a_persons_pause(
    sandbox, live_account, alice, superuser
):
    execution_switch_set(actor=superuser, enabled=False, reason="Platform incident")

    done = _pause(live_account, alice.analyst)

    assert done.status == R.BLOCKED
    assert "switched off globally: Platform incident" in done.outcome_detail
    assert sandbox_writes(sandbox)["writes"] == []
