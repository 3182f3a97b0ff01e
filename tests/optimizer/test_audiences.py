"""The audience step (optimizer.audiences.plan_audiences): rest fatigued segments, switch on
fresh high-intent ones, with the policy's thresholds and the scores as evidence."""

from decimal import Decimal

import pytest

from campaigns.guardrails import PolicyLimits
from optimizer.audiences import plan_audiences
from tests.optimizer.builders import Segment, account_inputs

LIMITS = PolicyLimits()  # suppress above fatigue 80; activate at intent ≥ 70, fatigue ≤ 50


def decide(*segments: Segment, limits: PolicyLimits = LIMITS):
    return plan_audiences(account_inputs([5000], segments=list(segments)), limits)


def kinds(*segments: Segment, limits: PolicyLimits = LIMITS) -> dict[int, str]:
    return {p.audience_index: p.kind for p in decide(*segments, limits=limits)}


@pytest.mark.parametrize(("fatigue", "suppressed"), [(80.01, True), (95, True), (80, False)])
def test_an_active_segment_is_suppressed_only_above_the_fatigue_threshold(fatigue, suppressed):
    assert kinds(Segment(True, intent=90, fatigue=fatigue)) == (
        {0: "audience_suppress"} if suppressed else {}
    )


@pytest.mark.parametrize(
    ("intent", "fatigue", "activated"),
    [(70, 50, True), (99, 0, True), (69.99, 10, False), (90, 50.01, False)],
)
def test_a_suppressed_segment_is_activated_with_high_intent_and_low_fatigue(
    intent, fatigue, activated
):
    assert kinds(Segment(False, intent=intent, fatigue=fatigue)) == (
        {0: "audience_activate"} if activated else {}
    )


def test_a_segment_already_in_the_state_proposed_is_left_alone():
    # Active and fresh: nothing to activate. Suppressed and fatigued: nothing to suppress.
    assert kinds(Segment(True, intent=95, fatigue=10), Segment(False, intent=10, fatigue=99)) == {}


def test_the_thresholds_come_from_the_policy():
    limits = PolicyLimits(
        fatigue_suppress_threshold=Decimal("60"),
        intent_activate_threshold=Decimal("40"),
        activate_max_fatigue=Decimal("20"),
    )
    segments = (
        Segment(True, intent=50, fatigue=61),  # above 60: suppress (the default 80 would not)
        Segment(False, intent=45, fatigue=20),  # intent 45 ≥ 40, fatigue 20 ≤ 20: activate
        Segment(False, intent=45, fatigue=21),  # fatigue above 20: stays off
    )

    assert kinds(*segments, limits=limits) == {0: "audience_suppress", 1: "audience_activate"}
    assert kinds(*segments) == {}  # under the default policy none of them moves


def test_a_suppression_names_its_numbers_and_keeps_the_scores_as_evidence():
    (p,) = decide(Segment(True, intent=40, fatigue=92, profiles=125_000))

    assert p.campaign_index is None  # audiences are account-level segments
    assert (p.current, p.proposed) == (Decimal(1), Decimal(0))
    assert "fatigue 92 is above 80" in p.reason
    assert "125,000 profiles" in p.reason
    assert p.evidence == {
        "intent_score": 40.0,
        "fatigue_score": 92.0,
        "estimated_profiles": 125_000,
        "fatigue_suppress_threshold": 80.0,
        "intent_activate_threshold": 70.0,
        "activate_max_fatigue": 50.0,
    }


def test_an_activation_names_its_numbers():
    (p,) = decide(Segment(False, intent=88, fatigue=12, profiles=40_000))

    assert (p.current, p.proposed) == (Decimal(0), Decimal(1))
    assert "intent 88 (≥ 70)" in p.reason
    assert "fatigue 12 (≤ 50)" in p.reason
    assert "40,000 likely buyers" in p.reason


def test_the_more_fatigued_or_the_keener_a_segment_the_larger_its_expected_gain():
    # Max changes per run keeps the largest expected gains, so the order must be sensible.
    tired, exhausted = decide(Segment(True, 50, 85), Segment(True, 50, 99))
    keen, keener = decide(Segment(False, 75, 10), Segment(False, 95, 10))

    assert exhausted.expected_gain > tired.expected_gain > 0
    assert keener.expected_gain > keen.expected_gain > 0
