"""A reallocation is decided as a whole: approving or rejecting the set moves every leg,
and a leg alone can be neither approved nor rejected."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from campaigns.models import ChangeSetStatus, Recommendation, RecommendationStatus
from campaigns.services.change_set_decisions import (
    change_set_approve,
    change_set_reject,
    change_sets_decide_bulk,
)
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendations_decide_bulk,
)
from tests.campaigns.change_sets import make_change_set

R = RecommendationStatus
CS = ChangeSetStatus


def _statuses(change_set):
    return set(change_set.legs.values_list("status", flat=True))


def test_approving_a_change_set_approves_every_leg_with_history(alice):
    change_set = make_change_set(alice)

    approved = change_set_approve(change_set=change_set, actor=alice.approver, note="fine")

    assert approved.status == CS.APPROVED
    assert approved.decided_by == alice.approver
    assert _statuses(change_set) == {R.APPROVED}
    for leg in change_set.legs.all():
        assert leg.decided_by == alice.approver
        latest = leg.history.latest("history_date")
        assert latest.history_user == alice.approver
        assert latest.history_change_reason == "Approved: fine (with its change set)"
    assert change_set.history.latest("history_date").history_change_reason == "Approved: fine"


def test_rejecting_a_change_set_rejects_every_leg_and_needs_a_note(alice):
    change_set = make_change_set(alice)
    with pytest.raises(ServiceError, match="needs a note"):
        change_set_reject(change_set=change_set, actor=alice.approver, note=" ")

    rejected = change_set_reject(change_set=change_set, actor=alice.approver, note="too bold")

    assert rejected.status == CS.REJECTED
    assert _statuses(change_set) == {R.REJECTED}


def test_one_leg_alone_can_be_neither_approved_nor_rejected(alice):
    change_set = make_change_set(alice)
    leg = change_set.legs.first()

    with pytest.raises(TransitionRefused, match=f"one leg of reallocation #{change_set.pk}"):
        recommendation_approve(recommendation=leg, actor=alice.approver)
    with pytest.raises(TransitionRefused, match="as a whole"):
        recommendation_reject(recommendation=leg, actor=alice.approver, note="no")

    assert _statuses(change_set) == {R.PROPOSED}


def test_the_bulk_decision_of_recommendations_refuses_legs_and_decides_the_rest(alice):
    change_set = make_change_set(alice)
    legs = list(change_set.legs.all())

    outcome = recommendations_decide_bulk(
        recommendations=[*legs, alice.recommendation], actor=alice.approver, approve=True
    )

    assert [rec.pk for rec in outcome.done] == [alice.recommendation.pk]
    assert {rec.pk for rec, _ in outcome.refused} == {leg.pk for leg in legs}
    assert all("as a whole" in why for _, why in outcome.refused)
    assert _statuses(change_set) == {R.PROPOSED}


def test_another_tenants_approver_cannot_decide_the_set(alice, bob):
    change_set = make_change_set(alice)

    with pytest.raises(PermissionDenied):
        change_set_approve(change_set=change_set, actor=bob.approver)
    outcome = change_sets_decide_bulk(change_sets=[change_set], actor=bob.approver, approve=True)

    assert not outcome.done
    assert "may not approve" in outcome.refused[0][1]
    assert _statuses(change_set) == {R.PROPOSED}


def test_bulk_decisions_refuse_a_decided_set_without_undoing_the_others(alice):
    decided, fresh = make_change_set(alice), make_change_set(alice)
    change_set_reject(change_set=decided, actor=alice.approver, note="no")

    outcome = change_sets_decide_bulk(
        change_sets=[decided, fresh], actor=alice.approver, approve=True
    )

    assert [cs.pk for cs in outcome.done] == [fresh.pk]
    assert outcome.refused[0][1] == "Cannot approve a change set that is rejected."
    assert _statuses(fresh) == {R.APPROVED}
    assert _statuses(decided) == {R.REJECTED}


def test_a_set_with_a_stale_leg_expires_whole_instead_of_being_approved(alice):
    change_set = make_change_set(alice)
    Recommendation.objects.filter(pk=change_set.legs.first().pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(TransitionRefused, match="expired"):
        change_set_approve(change_set=change_set, actor=alice.approver)

    change_set.refresh_from_db()
    assert change_set.status == CS.EXPIRED
    assert _statuses(change_set) == {R.EXPIRED}
