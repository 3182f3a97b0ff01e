"""Every guardrail is checked again when the change is about to be written."""

from datetime import timedelta
from decimal import Decimal

import requests
from django.utils import timezone

from campaigns.models import Campaign, GuardrailPolicy, RecommendationStatus
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, sandbox_writes


def _blocked(rec, sandbox, rule: str):
    done = execute_recommendation(rec.pk)
    assert done.status == RecommendationStatus.BLOCKED
    assert rule in done.outcome_detail
    assert sandbox_writes(sandbox)["writes"] == []
    return done


def test_a_raise_beyond_the_cap_is_blocked(sandbox, live_account, alice):
    _blocked(
        approved_budget(live_account, alice.approver, factor="1.45"), sandbox, "max_budget_increase"
    )


def test_a_budget_above_the_max_daily_spend_is_blocked(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    Campaign.objects.filter(pk=rec.campaign_id).update(max_daily_spend=rec.current_value)

    _blocked(rec, sandbox, "max_daily_spend")


def test_a_campaign_changed_within_the_cooldown_is_left_alone(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    Campaign.objects.filter(pk=rec.campaign_id).update(
        last_significant_change_at=timezone.now() - timedelta(hours=10)
    )

    _blocked(rec, sandbox, "cooldown")


def test_a_policy_tightened_after_approval_wins(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)  # +20 %
    GuardrailPolicy.objects.create(organization=alice.org, max_budget_increase_pct=Decimal("10"))

    _blocked(rec, sandbox, "max_budget_increase")


def test_a_policy_requiring_people_blocks_what_the_system_approved(sandbox, live_account, alice):
    from campaigns.actors import system_user

    GuardrailPolicy.objects.create(organization=alice.org, require_manual_approval=True)
    rec = approved_budget(live_account, system_user())

    _blocked(rec, sandbox, "require_manual_approval")


def test_the_days_maximum_number_of_changes_holds(sandbox, live_account, alice):
    GuardrailPolicy.objects.create(organization=alice.org, max_changes_per_run=1)
    first = approved_budget(live_account, alice.approver, external_id="CMP-0001")
    second = approved_budget(live_account, alice.approver, external_id="CMP-0002")

    assert execute_recommendation(first.pk).status == RecommendationStatus.EXECUTED
    done = execute_recommendation(second.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert "max_changes_per_run" in done.outcome_detail


def test_a_budget_changed_outside_spectra_is_not_overwritten(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    headers = sandbox.headers()
    requests.patch(
        f"{sandbox.base_url.rstrip('/')}/campaign/CMP-0001",
        headers=headers,
        json={"budget": {"allocated": 1234.0, "currency": "INR"}},
        timeout=10,
    ).raise_for_status()

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert "changed outside Spectra" in done.outcome_detail
    assert "1234" in done.outcome_detail
    assert len(sandbox_writes(sandbox)["writes"]) == 1  # only the outside change
