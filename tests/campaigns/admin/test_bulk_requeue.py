"""Approvers re-queue blocked changes in bulk; each goes through the re-queue service."""

from campaigns.models import Recommendation, RecommendationStatus
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.factories import make_recommendation

R = RecommendationStatus
ACTION = "requeue_selected"


def _post(client, *recs):
    return client.post(
        changelist_url("recommendation"),
        {"action": ACTION, "_selected_action": [rec.pk for rec in recs]},
        follow=True,
    )


def _actions(client) -> list[str]:
    form = client.get(changelist_url("recommendation")).context["action_form"]
    return [] if form is None else [name for name, _ in form.fields["action"].choices]


def test_an_approver_requeues_blocked_changes_and_is_told_how_many(client, alice):
    blocked = [make_recommendation(alice.campaign, status=R.BLOCKED) for _ in range(3)]
    client.force_login(alice.approver)

    response = _post(client, *blocked)

    assert "Re-queued 3 blocked recommendation(s)." in messages_of(response)
    for rec in blocked:
        rec.refresh_from_db()
        assert rec.status == R.APPROVED
        last = rec.history.first()
        assert (last.history_user, last.history_change_reason) == (
            alice.approver,
            "Re-queued: bulk re-queue in the admin",
        )


def test_changes_that_are_not_blocked_are_refused_with_why(client, alice):
    blocked = make_recommendation(alice.campaign, status=R.BLOCKED)
    proposed = make_recommendation(alice.campaign)
    executed = make_recommendation(alice.campaign, status=R.EXECUTED)
    client.force_login(alice.approver)

    response = _post(client, blocked, proposed, executed)

    said = messages_of(response)
    assert "Re-queued 1 blocked recommendation(s)." in said
    refusal = next(m for m in said if m.startswith("Refused 2:"))
    assert f"#{proposed.pk}" in refusal and "it is proposed, not blocked" in refusal
    assert f"#{executed.pk}" in refusal and "it is executed, not blocked" in refusal
    statuses = dict(Recommendation.objects.values_list("pk", "status"))
    assert (statuses[proposed.pk], statuses[executed.pk]) == (R.PROPOSED, R.EXECUTED)


def test_only_approvers_are_offered_the_requeue(client, alice):
    client.force_login(alice.analyst)
    assert ACTION not in _actions(client)

    client.force_login(alice.approver)
    assert ACTION in _actions(client)


def test_an_analyst_posting_the_requeue_anyway_changes_nothing(client, alice):
    blocked = make_recommendation(alice.campaign, status=R.BLOCKED)
    client.force_login(alice.analyst)

    _post(client, blocked)

    blocked.refresh_from_db()
    assert blocked.status == R.BLOCKED


def test_another_organizations_blocked_change_is_not_requeued(client, alice, bob):
    theirs = make_recommendation(bob.campaign, status=R.BLOCKED)
    client.force_login(alice.approver)

    _post(client, theirs)

    theirs.refresh_from_db()
    assert theirs.status == R.BLOCKED
