"""Every move of the Recommendation state machine, allowed and forbidden, through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import Recommendation, RecommendationStatus, Source
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_block,
    recommendation_claim,
    recommendation_expire,
    recommendation_expire_waiting,
    recommendation_mark_executed,
    recommendation_mark_failed,
    recommendation_mark_rolled_back,
    recommendation_mark_simulated,
    recommendation_reject,
    recommendation_requeue,
    recommendation_wait,
)
from tests.factories import make_recommendation

R = RecommendationStatus
LEASE = timedelta(minutes=5)


def _sources_by_transition() -> dict[str, set[str]]:
    sources: dict[str, set[str]] = {}
    for t in Recommendation._meta.get_field("status").get_all_transitions(Recommendation):
        sources.setdefault(t.name, set()).add(t.source)
    return sources


SOURCES = _sources_by_transition()
FORBIDDEN = sorted(
    (name, state) for name, allowed in SOURCES.items() for state in R.values if state not in allowed
)


def _status_in_db(rec) -> str:
    return Recommendation.objects.values_list("status", flat=True).get(pk=rec.pk)


def _rollback_of(rec):
    return make_recommendation(
        rec.campaign,
        source=Source.ROLLBACK,
        rollback_of=rec,
        status=R.APPROVED,
        requires_approval=False,
    )


def _take(transition: str, rec, actor):
    """Call the service that takes `transition` (claim answers with a bool)."""
    calls = {
        "approve": lambda: recommendation_approve(recommendation=rec, actor=actor, note="ok"),
        "reject": lambda: recommendation_reject(recommendation=rec, actor=actor, note="no"),
        "expire": lambda: recommendation_expire(
            recommendation=rec, actor=actor, reason="Superseded"
        ),
        "start_execution": lambda: recommendation_claim(
            recommendation=rec, actor=actor, lease=LEASE
        ),
        "mark_executed": lambda: recommendation_mark_executed(
            recommendation=rec, actor=actor, detail="200 OK"
        ),
        "mark_failed": lambda: recommendation_mark_failed(
            recommendation=rec, actor=actor, detail="500 from platform"
        ),
        "block": lambda: recommendation_block(
            recommendation=rec, actor=actor, rule="spend_limit", detail="over the cap"
        ),
        "mark_simulated": lambda: recommendation_mark_simulated(
            recommendation=rec, actor=actor, request={"budget": "6000.00"}
        ),
        "requeue": lambda: recommendation_requeue(
            recommendation=rec, actor=actor, note="platform is back"
        ),
        "mark_rolled_back": lambda: recommendation_mark_rolled_back(
            recommendation=rec, actor=actor, rollback=_rollback_of(rec)
        ),
        "wait": lambda: recommendation_wait(
            recommendation=rec,
            actor=actor,
            not_before=timezone.now() + LEASE,
            detail="429 from the platform",
        ),
        "expire_waiting": lambda: recommendation_expire_waiting(recommendation=rec, actor=actor),
    }
    return calls[transition]()


def test_the_model_declares_exactly_the_documented_transitions():
    assert _sources_by_transition() == {
        "approve": {R.PROPOSED},
        "reject": {R.PROPOSED},
        "expire": {R.PROPOSED},
        "start_execution": {R.APPROVED},
        "mark_executed": {R.EXECUTING},
        "mark_failed": {R.EXECUTING},
        "block": {R.APPROVED},
        "mark_simulated": {R.APPROVED},
        "requeue": {R.FAILED, R.BLOCKED},
        "mark_rolled_back": {R.EXECUTED},
        "wait": {R.EXECUTING},
        "expire_waiting": {R.APPROVED},
    }


def test_it_approves_a_proposal_and_records_who_decided(alice):
    rec = recommendation_approve(
        recommendation=alice.recommendation, actor=alice.approver, note="Looks right"
    )
    rec.refresh_from_db()
    assert rec.status == R.APPROVED
    assert rec.decided_by == alice.approver
    assert rec.decided_at is not None
    assert rec.decision_note == "Looks right"


def test_it_rejects_a_proposal_with_its_note(alice):
    recommendation_reject(
        recommendation=alice.recommendation, actor=alice.approver, note="Season is ending"
    )
    rec = Recommendation.objects.get(pk=alice.recommendation.pk)
    assert (rec.status, rec.decided_by, rec.decision_note) == (
        R.REJECTED,
        alice.approver,
        "Season is ending",
    )


def test_it_expires_a_stale_proposal(alice):
    recommendation_expire(
        recommendation=alice.recommendation, actor=system_user(), reason="Superseded by a newer run"
    )
    assert _status_in_db(alice.recommendation) == R.EXPIRED


def test_it_claims_an_approved_recommendation_with_a_lease(alice):
    rec = make_recommendation(alice.campaign, status=R.APPROVED)
    before = timezone.now()
    assert recommendation_claim(recommendation=rec, actor=system_user(), lease=LEASE) is True
    rec.refresh_from_db()
    assert rec.status == R.EXECUTING
    assert rec.attempts == 1
    assert before + LEASE <= rec.lease_expires_at <= timezone.now() + LEASE


def test_it_marks_an_executing_recommendation_executed(alice):
    rec = make_recommendation(
        alice.campaign, status=R.EXECUTING, lease_expires_at=timezone.now() + LEASE
    )
    recommendation_mark_executed(recommendation=rec, actor=system_user(), detail="200 OK")
    rec.refresh_from_db()
    assert rec.status == R.EXECUTED
    assert rec.executed_at is not None
    assert (rec.outcome_detail, rec.lease_expires_at) == ("200 OK", None)


def test_it_marks_an_executing_recommendation_failed_with_the_platform_error(alice):
    rec = make_recommendation(
        alice.campaign, status=R.EXECUTING, lease_expires_at=timezone.now() + LEASE
    )
    recommendation_mark_failed(
        recommendation=rec, actor=system_user(), detail="INTERNAL_ERROR after 5 attempts"
    )
    rec.refresh_from_db()
    assert (rec.status, rec.outcome_detail, rec.lease_expires_at) == (
        R.FAILED,
        "INTERNAL_ERROR after 5 attempts",
        None,
    )


def test_it_blocks_an_approved_recommendation_and_keeps_the_reason(alice):
    rec = make_recommendation(alice.campaign, status=R.APPROVED)
    recommendation_block(
        recommendation=rec, actor=system_user(), rule="kill_switch", detail="execution is disabled"
    )
    rec.refresh_from_db()
    assert (rec.status, rec.outcome_detail) == (R.BLOCKED, "kill_switch: execution is disabled")


def test_it_simulates_an_approved_recommendation_and_keeps_the_request(alice):
    rec = make_recommendation(alice.campaign, status=R.APPROVED)
    request = {"campaignId": "CMP-1", "dailyBudget": "6000.00"}
    recommendation_mark_simulated(recommendation=rec, actor=system_user(), request=request)
    rec.refresh_from_db()
    assert (rec.status, rec.simulated_request) == (R.SIMULATED, request)
    assert rec.executed_at is not None


@pytest.mark.parametrize("source", [R.FAILED, R.BLOCKED])
def test_a_person_requeues_a_failed_or_blocked_recommendation(alice, source):
    rec = make_recommendation(
        alice.campaign, status=source, lease_expires_at=timezone.now() + LEASE
    )
    recommendation_requeue(recommendation=rec, actor=alice.approver, note="platform is back")
    rec.refresh_from_db()
    assert (rec.status, rec.lease_expires_at) == (R.APPROVED, None)
    # ... and it can be claimed again.
    assert recommendation_claim(recommendation=rec, actor=system_user(), lease=LEASE)


def test_it_marks_an_executed_recommendation_rolled_back_by_its_rollback(alice):
    rec = make_recommendation(alice.campaign, status=R.EXECUTED)
    rollback = _rollback_of(rec)
    recommendation_mark_rolled_back(recommendation=rec, actor=system_user(), rollback=rollback)
    assert _status_in_db(rec) == R.ROLLED_BACK
    assert rec.history.latest().history_change_reason == (
        f"Rolled back by recommendation #{rollback.pk}"
    )


def test_it_refuses_a_rollback_that_is_not_of_this_recommendation(alice):
    rec = make_recommendation(alice.campaign, status=R.EXECUTED)
    other = make_recommendation(alice.campaign, status=R.EXECUTED)
    with pytest.raises(ServiceError, match="not a rollback of this one"):
        recommendation_mark_rolled_back(
            recommendation=rec, actor=system_user(), rollback=_rollback_of(other)
        )
    assert _status_in_db(rec) == R.EXECUTED


def test_approving_an_expired_proposal_expires_it_and_says_so(alice):
    rec = make_recommendation(alice.campaign, expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(TransitionRefused, match=r"expired at .*propose a fresh one") as refused:
        recommendation_approve(recommendation=rec, actor=alice.approver)
    assert refused.value.current == R.EXPIRED
    rec.refresh_from_db()
    assert rec.status == R.EXPIRED
    assert rec.decided_by is None
    last = rec.history.latest()
    assert (last.status, last.history_user, last.history_change_reason) == (
        R.EXPIRED,
        alice.approver,
        "Expired before it was approved",
    )


def test_it_approves_a_proposal_that_has_not_expired_yet(alice):
    rec = make_recommendation(alice.campaign, expires_at=timezone.now() + timedelta(hours=1))
    recommendation_approve(recommendation=rec, actor=alice.approver)
    assert _status_in_db(rec) == R.APPROVED


@pytest.mark.parametrize("note", ["", "   \n"])
def test_it_refuses_a_rejection_without_a_note(alice, note):
    rows = alice.recommendation.history.count()
    with pytest.raises(ServiceError, match="needs a note"):
        recommendation_reject(recommendation=alice.recommendation, actor=alice.approver, note=note)
    assert _status_in_db(alice.recommendation) == R.PROPOSED
    assert alice.recommendation.history.count() == rows


@pytest.mark.parametrize(("transition", "state"), FORBIDDEN)
def test_it_refuses_every_transition_from_a_state_it_does_not_start_from(alice, transition, state):
    rec = make_recommendation(alice.campaign, status=state)
    before = Recommendation.objects.values().get(pk=rec.pk)
    rows = rec.history.count()

    if transition == "start_execution":
        # The claim is a conditional UPDATE: it answers False instead of raising.
        assert _take(transition, rec, system_user()) is False
    else:
        with pytest.raises(TransitionRefused) as refused:
            _take(transition, rec, alice.admin)
        assert refused.value.current == state

    assert Recommendation.objects.values().get(pk=rec.pk) == before
    assert rec.history.count() == rows
