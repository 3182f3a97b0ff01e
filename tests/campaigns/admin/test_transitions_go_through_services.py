"""State buttons act only through the services: refused for the wrong role, recorded when done."""

from campaigns.models import CampaignStatus, Recommendation, RecommendationStatus
from tests.campaigns.admin.conftest import messages_of, transition_url

R = RecommendationStatus


def _status(obj) -> str:
    return type(obj).objects.values_list("status", flat=True).get(pk=obj.pk)


def test_an_analyst_pauses_a_campaign_and_history_names_him_and_his_reason(client, alice):
    client.force_login(alice.analyst)

    response = client.post(
        transition_url(alice.campaign), {"transition": "pause", "reason": "Spend spike"}
    )

    assert response.status_code == 302
    # The pause is on its way to the platform; the campaign is paused once it confirms.
    assert _status(alice.campaign) == CampaignStatus.ACTIVE
    change = Recommendation.objects.get(campaign=alice.campaign, kind="pause")
    assert (change.status, change.decided_by, change.source) == (
        "approved",
        alice.analyst,
        "person",
    )
    last = change.history.latest("history_date")
    assert last.history_user == alice.analyst
    assert last.history_change_reason == f"Pause requested by {alice.analyst}: Spend spike"
    # alice's account is in dry run: she is told plainly that nothing reaches the platform.
    assert any(
        m.startswith("Simulated: ") and "nothing is written" in m for m in messages_of(response)
    )


def test_a_viewer_who_posts_a_pause_anyway_is_refused_and_nothing_changes(client, alice):
    client.force_login(alice.viewer)

    response = client.post(
        transition_url(alice.campaign), {"transition": "pause", "reason": "Let me"}
    )

    assert response.status_code == 302
    assert _status(alice.campaign) == CampaignStatus.ACTIVE
    assert any("may not" in m for m in messages_of(response))


def test_a_campaign_transition_without_a_reason_is_refused(client, alice):
    client.force_login(alice.analyst)

    response = client.post(transition_url(alice.campaign), {"transition": "pause", "reason": " "})

    assert _status(alice.campaign) == CampaignStatus.ACTIVE
    assert any("reason" in m for m in messages_of(response))


def test_a_transition_the_state_does_not_allow_is_refused(client, alice):
    client.force_login(alice.analyst)

    response = client.post(transition_url(alice.campaign), {"transition": "resume", "reason": "x"})

    assert _status(alice.campaign) == CampaignStatus.ACTIVE
    assert any("not possible" in m for m in messages_of(response))


def test_the_executors_lock_cannot_be_taken_by_posting_its_name(client, alice, superuser):
    client.force_login(superuser)

    client.post(transition_url(alice.campaign), {"transition": "lock_for_change", "reason": "x"})

    assert _status(alice.campaign) == CampaignStatus.ACTIVE


def test_bobs_analyst_cannot_pause_alices_campaign(client, alice, bob):
    client.force_login(bob.analyst)

    response = client.post(
        transition_url(alice.campaign), {"transition": "pause", "reason": "Not mine"}
    )

    assert response.status_code == 404
    assert _status(alice.campaign) == CampaignStatus.ACTIVE


def test_a_get_on_the_transition_url_changes_nothing(client, alice):
    client.force_login(alice.analyst)

    response = client.get(transition_url(alice.campaign), {"transition": "pause", "reason": "x"})

    assert response.status_code == 405
    assert _status(alice.campaign) == CampaignStatus.ACTIVE


def test_an_approver_approves_with_the_button(client, alice):
    client.force_login(alice.approver)

    client.post(transition_url(alice.recommendation), {"transition": "approve", "note": "Fine"})

    rec = Recommendation.objects.get(pk=alice.recommendation.pk)
    assert rec.status == R.APPROVED
    assert rec.decided_by == alice.approver
    assert rec.history.latest("history_date").history_change_reason == "Approved: Fine"


def test_rejecting_with_the_button_needs_a_note(client, alice):
    client.force_login(alice.approver)

    response = client.post(
        transition_url(alice.recommendation), {"transition": "reject", "note": ""}
    )

    assert _status(alice.recommendation) == R.PROPOSED
    assert any("note" in m for m in messages_of(response))


def test_an_analyst_who_posts_an_approval_is_refused(client, alice):
    client.force_login(alice.analyst)

    response = client.post(
        transition_url(alice.recommendation), {"transition": "approve", "note": ""}
    )

    assert _status(alice.recommendation) == R.PROPOSED
    assert any("may not" in m for m in messages_of(response))
