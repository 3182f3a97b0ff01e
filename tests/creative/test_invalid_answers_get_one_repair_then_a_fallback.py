"""An answer that does not match its schema gets one repair request carrying the
errors; a second bad answer (or a refusal) ends in the fallback, flagged for review.
Never half-parsed data passed off as valid, and every attempt metered."""

import pytest

from creative.models import AICall, CallOutcome
from creative.schemas import AdCopy
from creative.services.generate import FALLBACK, REPAIRED
from tests.creative.conftest import ad_copy


def _copy(alice):
    return ad_copy(alice.org, campaign=alice.campaign)


@pytest.mark.parametrize(
    "fault, outcome",
    [
        ("invalid_json", CallOutcome.INVALID),
        ("missing_fields", CallOutcome.INVALID),
        ("wrong_types", CallOutcome.INVALID),
        ("too_long", CallOutcome.INVALID),
        ("length", CallOutcome.TRUNCATED),
    ],
)
def test_one_bad_answer_is_repaired(llm, alice, fault, outcome):
    llm.set_faults(next=[fault])

    result = _copy(alice)

    assert result.status == REPAIRED
    assert isinstance(result.value, AdCopy)
    assert result.problems  # what was wrong, in words
    assert list(AICall.objects.order_by("pk").values_list("outcome", flat=True)) == [
        outcome,
        CallOutcome.REPAIRED,
    ]


def test_the_repair_request_carries_the_errors(llm, alice):
    llm.set_faults(next=["too_long"])

    result = _copy(alice)

    assert any("at most 30 characters" in p for p in result.problems)
    first = AICall.objects.order_by("pk").first()
    assert "at most 30 characters" in first.detail


def test_two_bad_answers_end_in_the_fallback_flagged_for_review(llm, alice):
    llm.set_faults(next=["invalid_json", "missing_fields"])

    result = _copy(alice)

    assert result.status == FALLBACK and result.needs_review
    assert result.value.headlines[0] == "Trailblazer GTX"  # built from the brief
    assert all(len(h) <= 30 for h in result.value.headlines)
    assert AICall.objects.count() == 2


def test_a_refusal_is_not_argued_with(llm, alice):
    llm.set_faults(next=["refusal"])

    result = _copy(alice)

    assert result.status == FALLBACK
    assert "refused" in result.problems[0]
    assert list(AICall.objects.values_list("outcome", flat=True)) == [CallOutcome.REFUSED]
