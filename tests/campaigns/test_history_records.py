"""Every service leaves a history row naming who and why — also from a task, with no request."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition
from django_q.conf import Conf
from django_q.models import Task
from django_q.tasks import async_task

from campaigns.actors import SYSTEM_USERNAME, system_user
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    GuardrailPolicy,
    RecommendationStatus,
)
from campaigns.models.guards import VersionRestoreRefused
from campaigns.services import accounts, campaigns, recommendations
from tests.factories import make_campaign, make_recommendation

R = RecommendationStatus
LEASE = timedelta(minutes=5)


@dataclass
class Done:
    """What a service changed, who did it and the reason its history row must carry."""

    obj: Any
    actor: Any
    reason: str


def _pause(t):
    # A person's pause is a pre-approved change for the pipeline: its history names them.
    change = campaigns.campaign_pause(campaign=t.campaign, actor=t.analyst, reason="Spend spike")
    return Done(change, t.analyst, f"Pause requested by {t.analyst}: Spend spike")


def _resume(t):
    campaign = make_campaign(t.account, status=CampaignStatus.PAUSED)
    change = campaigns.campaign_resume(campaign=campaign, actor=t.analyst, reason="Spike explained")
    return Done(change, t.analyst, f"Resume requested by {t.analyst}: Spike explained")


def _limits(t):
    campaigns.campaign_update_limits(
        campaign=t.campaign,
        actor=t.analyst,
        reason="Quarter cap agreed",
        max_daily_spend=Decimal("7000"),
        total_spend_limit=Decimal("200000"),
    )
    return Done(t.campaign, t.analyst, "Quarter cap agreed")


def _lock(t):
    campaigns.campaign_lock_for_change(
        campaign=t.campaign, actor=system_user(), reason="Writing recommendation #1", lease=LEASE
    )
    return Done(t.campaign, system_user(), "Writing recommendation #1")


def _unlock(t):
    campaign = make_campaign(
        t.account, status=CampaignStatus.OPTIMIZING, lock_expires_at=timezone.now() + LEASE
    )
    campaigns.campaign_unlock(campaign=campaign, actor=system_user(), reason="Write finished")
    return Done(campaign, system_user(), "Write finished")


def _approve(t):
    recommendations.recommendation_approve(
        recommendation=t.recommendation, actor=t.approver, note="Evidence is solid"
    )
    return Done(t.recommendation, t.approver, "Approved: Evidence is solid")


def _reject(t):
    recommendations.recommendation_reject(
        recommendation=t.recommendation, actor=t.approver, note="Launch week, hold budgets"
    )
    return Done(t.recommendation, t.approver, "Rejected: Launch week, hold budgets")


def _requeue(t):
    rec = make_recommendation(t.campaign, status=R.FAILED)
    recommendations.recommendation_requeue(
        recommendation=rec, actor=t.approver, note="Platform is back"
    )
    return Done(rec, t.approver, "Re-queued: Platform is back")


def _expire(t):
    recommendations.recommendation_expire(
        recommendation=t.recommendation, actor=system_user(), reason="Superseded by run #2"
    )
    return Done(t.recommendation, system_user(), "Superseded by run #2")


def _claim(t):
    rec = make_recommendation(t.campaign, status=R.APPROVED)
    assert recommendations.recommendation_claim(
        recommendation=rec, actor=system_user(), lease=LEASE
    )
    return Done(rec, system_user(), "Claimed for execution")


def _mark_executed(t):
    rec = make_recommendation(t.campaign, status=R.EXECUTING)
    recommendations.recommendation_mark_executed(
        recommendation=rec, actor=system_user(), detail="200 OK"
    )
    return Done(rec, system_user(), "Executed on the platform")


def _mark_failed(t):
    rec = make_recommendation(t.campaign, status=R.EXECUTING)
    recommendations.recommendation_mark_failed(
        recommendation=rec, actor=system_user(), detail="503 after 5 attempts"
    )
    return Done(rec, system_user(), "Failed: 503 after 5 attempts")


def _block(t):
    rec = make_recommendation(t.campaign, status=R.APPROVED)
    recommendations.recommendation_block(
        recommendation=rec, actor=system_user(), rule="cooldown", detail="changed 3 h ago"
    )
    return Done(rec, system_user(), "Blocked by cooldown: changed 3 h ago")


def _simulate(t):
    rec = make_recommendation(t.campaign, status=R.APPROVED)
    recommendations.recommendation_mark_simulated(
        recommendation=rec, actor=system_user(), request={"budget": "6000.00"}
    )
    return Done(rec, system_user(), "Simulated (dry run): nothing written")


def _execution_mode(t):
    accounts.account_set_execution_mode(
        account=t.account, actor=t.admin, mode=ExecutionMode.LIVE, reason="Pilot approved"
    )
    return Done(
        t.account,
        t.admin,
        "Execution mode Dry run (decide and simulate) → "
        "Live (writes to the platform): Pilot approved",
    )


def _credentials(t):
    accounts.account_set_credentials(
        account=t.account, actor=t.admin, values={"client_id": "abc", "client_secret": "s3cr3t"}
    )
    return Done(t.account, t.admin, "Credentials updated (client_id, client_secret)")


def _policy(t):
    policy = GuardrailPolicy(organization=t.org)
    accounts.policy_save(policy=policy, actor=t.admin, reason="Seed defaults")
    return Done(policy, t.admin, "Seed defaults")


SERVICES = {
    "pause": _pause,
    "resume": _resume,
    "limits": _limits,
    "lock": _lock,
    "unlock": _unlock,
    "approve": _approve,
    "reject": _reject,
    "requeue": _requeue,
    "expire": _expire,
    "claim": _claim,
    "mark_executed": _mark_executed,
    "mark_failed": _mark_failed,
    "block": _block,
    "simulate": _simulate,
    "execution_mode": _execution_mode,
    "credentials": _credentials,
    "policy_save": _policy,
}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_records_who_changed_it_and_why(alice, service):
    done = SERVICES[service](alice)
    last = done.obj.history.latest()
    assert last.history_user == done.actor
    assert last.history_change_reason == done.reason


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_writes_exactly_one_history_row_per_change(alice, service):
    done = SERVICES[service](alice)
    rows = done.obj.history.filter(history_change_reason=done.reason)
    assert rows.count() == 1


def test_a_task_records_the_system_user_and_its_reason(alice, monkeypatch):
    # Q_CLUSTER["sync"] is read once, into django_q.conf.Conf, when django-q2 is
    # imported, so override_settings(Q_CLUSTER=...) cannot switch it on here;
    # patching Conf.SYNC is what `"sync": True` in Q_CLUSTER amounts to.
    monkeypatch.setattr(Conf, "SYNC", True)
    reason = "Spend limit: today's spend ₹7,200 passed the ₹7,000 cap"

    task_id = async_task(
        "tests.campaigns.tasks_for_tests.pause_from_task", alice.campaign.pk, reason
    )

    task = Task.objects.get(id=task_id)
    assert task.success, task.result
    assert task.result == CampaignStatus.PAUSED
    last = alice.campaign.history.latest()
    assert last.status == CampaignStatus.PAUSED
    assert last.history_user.username == SYSTEM_USERNAME
    assert last.history_change_reason == reason


def test_the_system_user_cannot_log_in(db):
    user = system_user()
    assert not user.has_usable_password()
    assert system_user() == user


def test_reverting_to_an_old_version_cannot_change_a_campaigns_status_or_budget(alice):
    original = alice.campaign.history.earliest()
    Campaign.objects.filter(pk=alice.campaign.pk).update(daily_budget=Decimal("6500.00"))
    campaigns.campaign_transition(
        campaign=alice.campaign, transition="pause", actor=alice.analyst, reason="Spend spike"
    )

    reverted = original.instance
    assert (reverted.status, reverted.daily_budget) == (CampaignStatus.ACTIVE, Decimal("5000.00"))
    # Refused twice over: the restore guard, and behind it the FSM's concurrency check.
    with pytest.raises((VersionRestoreRefused, ConcurrentTransition)), transaction.atomic():
        reverted.save()

    now = Campaign.objects.get(pk=alice.campaign.pk)
    assert (now.status, now.daily_budget) == (CampaignStatus.PAUSED, Decimal("6500.00"))


@pytest.mark.parametrize("build", ["instance", "history_object"])
def test_reverting_to_an_old_version_cannot_restore_a_budget_or_drop_a_spend_limit(alice, build):
    # Same status as the old version, so the FSM's concurrent-transition check
    # does not fire: nothing but the restore itself stands in the way.
    original = alice.campaign.history.earliest()
    campaigns.campaign_update_limits(
        campaign=alice.campaign,
        actor=alice.analyst,
        reason="Cap agreed with finance",
        max_daily_spend=Decimal("6000"),
        total_spend_limit=None,
    )
    Campaign.objects.filter(pk=alice.campaign.pk).update(daily_budget=Decimal("5500.00"))

    reverted = getattr(original, build)
    with pytest.raises(VersionRestoreRefused, match="rollback"), transaction.atomic():
        reverted.save()

    now = Campaign.objects.get(pk=alice.campaign.pk)
    assert (now.daily_budget, now.max_daily_spend) == (Decimal("5500.00"), Decimal("6000.00"))
