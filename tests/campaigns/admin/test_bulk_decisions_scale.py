"""Deciding many at once: the same checks as one decision, in a fixed number of queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Recommendation, RecommendationStatus
from campaigns.services.recommendations import recommendations_decide_bulk
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.factories import make_recommendation

R = RecommendationStatus


def _pending(campaign, n: int) -> list[Recommendation]:
    return [make_recommendation(campaign) for _ in range(n)]


def _approve(recs, actor, note="ok") -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        outcome = recommendations_decide_bulk(
            recommendations=recs, actor=actor, approve=True, note=note
        )
    return outcome, len(captured.captured_queries)


def test_approving_thirty_costs_no_more_queries_than_approving_three(alice):
    _approve(_pending(alice.campaign, 1), alice.approver)  # caches the approver's roles
    _, three = _approve(_pending(alice.campaign, 3), alice.approver)
    outcome, thirty = _approve(_pending(alice.campaign, 30), alice.approver)

    assert len(outcome.done) == 30
    assert thirty == three


def test_each_approved_one_gets_a_history_row_naming_the_approver_and_the_note(alice):
    recs = _pending(alice.campaign, 3)

    _approve(recs, alice.approver, note="Festival week")

    for rec in recs:
        rec.refresh_from_db()
        assert rec.status == R.APPROVED
        assert rec.decided_by == alice.approver and rec.decision_note == "Festival week"
        last = rec.history.latest("history_date")
        assert last.status == R.APPROVED
        assert last.history_type == "~"
        assert last.history_user == alice.approver
        assert last.history_change_reason == "Approved: Festival week"
        assert last.decided_by_id == alice.approver.pk


def test_rows_not_pending_of_another_tenant_or_expired_are_refused_one_by_one(alice, bob):
    fine = make_recommendation(alice.campaign)
    rejected = make_recommendation(alice.campaign, status=R.REJECTED)
    stale = make_recommendation(alice.campaign, expires_at=timezone.now() - timedelta(hours=1))

    outcome, _ = _approve([fine, rejected, stale, bob.recommendation], alice.approver)

    assert [rec.pk for rec in outcome.done] == [fine.pk]
    reasons = {rec.pk: reason for rec, reason in outcome.refused}
    assert "rejected" in reasons[rejected.pk]
    assert "expired" in reasons[stale.pk]
    assert "may not approve" in reasons[bob.recommendation.pk]
    statuses = dict(Recommendation.objects.values_list("pk", "status"))
    assert statuses[rejected.pk] == R.REJECTED
    assert statuses[stale.pk] == R.EXPIRED
    assert statuses[bob.recommendation.pk] == R.PROPOSED
    assert stale.history.latest("history_date").history_change_reason == (
        "Expired before it was approved"
    )


def test_an_analyst_cannot_approve_in_bulk(alice):
    outcome, _ = _approve([alice.recommendation], alice.analyst)

    assert outcome.done == []
    assert Recommendation.objects.get(pk=alice.recommendation.pk).status == R.PROPOSED


def test_select_all_carries_the_filtered_list_through_the_note_page(client, alice):
    extra = _pending(alice.campaign, 4)
    client.force_login(alice.approver)
    url = changelist_url("recommendation") + "?status__exact=proposed"
    form = {"action": "reject_selected", "select_across": "1", "index": "0"}

    page = client.post(url, {**form, "_selected_action": [extra[0].pk]})
    response = client.post(
        url,
        {
            "action": "reject_selected",
            "select_across": "1",
            "_selected_action": [extra[0].pk],
            "post": "yes",
            "note": "Budget frozen",
        },
    )

    content = page.content.decode()
    assert "these 5 recommendation(s)" in content
    assert content.count('name="_selected_action"') == 1  # not one field per row
    assert 'name="select_across" value="1"' in content
    assert "Rejected 5 recommendation(s)." in messages_of(response)
    assert not Recommendation.objects.filter(status=R.PROPOSED, account=alice.account).exists()
