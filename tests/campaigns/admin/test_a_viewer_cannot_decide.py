"""A viewer sees a recommendation but no way to decide it, and posting anyway changes nothing."""

from campaigns.models import Recommendation, RecommendationStatus
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of, transition_url

R = RecommendationStatus


def _status(rec) -> str:
    return Recommendation.objects.values_list("status", flat=True).get(pk=rec.pk)


def test_a_viewer_sees_the_queue_without_approve_or_reject(client, alice):
    client.force_login(alice.viewer)

    page = client.get(changelist_url("recommendation") + "?status__exact=proposed")
    detail = client.get(change_url(alice.recommendation))

    assert page.status_code == detail.status_code == 200
    assert b"approve_selected" not in page.content
    assert b"reject_selected" not in page.content
    assert b'value="approve"' not in detail.content
    assert b'value="reject"' not in detail.content


def test_a_viewer_posting_approve_on_the_page_is_refused_and_nothing_changes(client, alice):
    client.force_login(alice.viewer)

    response = client.post(
        transition_url(alice.recommendation), {"transition": "approve", "note": "sneaky"}
    )

    assert _status(alice.recommendation) == R.PROPOSED
    assert any("may not" in m for m in messages_of(response))
    assert not alice.recommendation.history.filter(history_change_reason__contains="sneaky")


def test_a_viewer_posting_the_bulk_actions_is_refused_and_nothing_changes(client, alice):
    client.force_login(alice.viewer)

    for action, note in (("approve_selected", ""), ("reject_selected", "no")):
        response = client.post(
            changelist_url("recommendation"),
            {
                "action": action,
                "_selected_action": [alice.recommendation.pk],
                "post": "yes",
                "note": note,
            },
        )
        assert response.status_code in (200, 302, 403)

    assert _status(alice.recommendation) == R.PROPOSED
