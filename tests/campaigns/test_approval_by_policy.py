"""Approval by policy: only what the policy and autonomy in force *now* allow, recorded
as the policy (with its version), never over a person's decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import Autonomy, GuardrailPolicy, RecommendationStatus, Risk
from campaigns.services.auto_approval import (
    recommendations_approve_by_policy,
    recommendations_expire_stale,
)
from tests.factories import make_recommendation

R = RecommendationStatus


@pytest.fixture
def low_risk_account(alice):
    alice.account.autonomy = Autonomy.AUTO_LOW_RISK
    alice.account.save(update_fields=["autonomy"])
    alice.policy = GuardrailPolicy.objects.create(organization=alice.org)
    alice.recommendation.delete()
    return alice


def proposal(tenant, risk=Risk.LOW, **kw):
    fields = {"risk": risk, "requires_approval": risk != Risk.LOW}
    return make_recommendation(
        tenant.campaign, **(fields | {"policy_version": tenant.policy.version} | kw)
    )


def test_low_risk_proposals_are_approved_by_the_policy_with_its_version(low_risk_account):
    low, medium = proposal(low_risk_account), proposal(low_risk_account, Risk.MEDIUM)

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 1

    low.refresh_from_db()
    medium.refresh_from_db()
    assert low.status == R.APPROVED and medium.status == R.PROPOSED
    assert low.decided_by.username == SYSTEM_USERNAME
    note = f"Approved by policy v{low_risk_account.policy.version}"
    assert low.decision_note.startswith(note)
    record = low.history.latest()
    assert record.history_user.username == SYSTEM_USERNAME
    assert record.history_change_reason.startswith(note)
    assert record.history_type == "~"  # a change, not a creation


def test_an_account_switched_to_manual_since_the_proposal_gets_nothing_approved(
    low_risk_account,
):
    rec = proposal(low_risk_account)
    low_risk_account.account.autonomy = Autonomy.MANUAL
    low_risk_account.account.save(update_fields=["autonomy"])

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 0
    rec.refresh_from_db()
    assert rec.status == R.PROPOSED


def test_a_policy_that_now_requires_manual_approval_stops_it(low_risk_account):
    rec = proposal(low_risk_account)
    GuardrailPolicy.objects.filter(pk=low_risk_account.policy.pk).update(
        require_manual_approval=True
    )

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 0
    rec.refresh_from_db()
    assert rec.status == R.PROPOSED


def test_a_proposal_made_under_an_older_policy_version_waits_for_a_person(low_risk_account):
    rec = proposal(low_risk_account, policy_version=low_risk_account.policy.version - 1)

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 0
    rec.refresh_from_db()
    assert rec.status == R.PROPOSED


def test_an_expired_proposal_is_expired_not_approved(low_risk_account):
    rec = proposal(low_risk_account, expires_at=timezone.now() - timedelta(minutes=1))

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 0
    assert recommendations_expire_stale(account=low_risk_account.account) == 1
    rec.refresh_from_db()
    assert rec.status == R.EXPIRED
    record = rec.history.latest()
    assert record.history_type == "~" and record.history_user.username == SYSTEM_USERNAME


def test_a_rejected_proposal_stays_rejected(low_risk_account):
    rec = proposal(low_risk_account)
    type(rec).objects.filter(pk=rec.pk).update(status=R.REJECTED)

    assert recommendations_approve_by_policy(account=low_risk_account.account) == 0


def test_other_accounts_are_untouched(low_risk_account, bob):
    theirs = make_recommendation(bob.campaign, risk=Risk.LOW, requires_approval=False)

    recommendations_approve_by_policy(account=low_risk_account.account)

    theirs.refresh_from_db()
    assert theirs.status == R.PROPOSED
