"""Approve / reject selected: approvers decide through the service; others are refused."""

from campaigns.models import Recommendation, RecommendationStatus
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.factories import make_recommendation

R = RecommendationStatus
URL = changelist_url("recommendation")


def _act(client, action, recs, **extra):
    return client.post(URL, {"action": action, "_selected_action": [r.pk for r in recs], **extra})


def _status(rec) -> str:
    return Recommendation.objects.values_list("status", flat=True).get(pk=rec.pk)


def test_choosing_reject_first_shows_a_page_asking_for_a_note(client, alice):
    client.force_login(alice.approver)

    response = _act(client, "reject_selected", [alice.recommendation], index=0)

    assert response.status_code == 200
    assert b'name="note"' in response.content
    assert _status(alice.recommendation) == R.PROPOSED


def test_an_approver_rejects_selected_with_a_note_recorded_in_history(client, alice):
    second = make_recommendation(alice.campaign)
    client.force_login(alice.approver)

    response = _act(
        client, "reject_selected", [alice.recommendation, second], post="yes", note="Too risky"
    )

    assert response.status_code == 302
    for rec in (alice.recommendation, second):
        assert _status(rec) == R.REJECTED
        last = rec.history.latest("history_date")
        assert last.history_user == alice.approver
        assert last.history_change_reason == "Rejected: Too risky"
    assert "Rejected 2 recommendation(s)." in messages_of(response)


def test_rejecting_selected_without_a_note_is_refused(client, alice):
    client.force_login(alice.approver)

    response = _act(client, "reject_selected", [alice.recommendation], post="yes", note="  ")

    assert response.status_code == 200  # the note page again
    assert _status(alice.recommendation) == R.PROPOSED
    assert any("note" in m for m in messages_of(response))


def test_an_approver_approves_selected_and_history_names_him(client, alice):
    client.force_login(alice.approver)

    _act(client, "approve_selected", [alice.recommendation], post="yes", note="Looks right")

    assert _status(alice.recommendation) == R.APPROVED
    last = alice.recommendation.history.latest("history_date")
    assert last.history_user == alice.approver
    assert last.history_change_reason == "Approved: Looks right"


def test_one_refusal_is_reported_without_undoing_the_others(client, alice):
    already = make_recommendation(alice.campaign, status=R.REJECTED)
    client.force_login(alice.approver)

    response = _act(
        client, "approve_selected", [alice.recommendation, already], post="yes", note=""
    )

    assert _status(alice.recommendation) == R.APPROVED
    assert _status(already) == R.REJECTED
    shown = messages_of(response)
    assert "Approved 1 recommendation(s)." in shown
    assert any(m.startswith("Refused 1:") and f"#{already.pk}" in m for m in shown)


def test_an_analyst_is_not_offered_the_actions_and_posting_them_changes_nothing(client, alice):
    client.force_login(alice.analyst)

    page = client.get(URL)
    response = _act(client, "approve_selected", [alice.recommendation], post="yes")

    assert b"approve_selected" not in page.content
    assert b"reject_selected" not in page.content
    assert response.status_code == 200
    assert _status(alice.recommendation) == R.PROPOSED


def test_an_approver_offered_the_actions_sees_both(client, alice):
    client.force_login(alice.approver)

    page = client.get(URL)

    assert b"approve_selected" in page.content
    assert b"reject_selected" in page.content


def test_bobs_approver_cannot_decide_alices_recommendations_by_id(client, alice, bob):
    client.force_login(bob.approver)

    _act(client, "approve_selected", [alice.recommendation], post="yes", note="")

    assert _status(alice.recommendation) == R.PROPOSED
