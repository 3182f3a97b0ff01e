"""Change pages offer exactly the state buttons the user's role allows here and now."""

import pytest

from campaigns.models import CampaignStatus, RecommendationStatus
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_campaign, make_recommendation


def _buttons(client, obj) -> list[str]:
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return [button.label for button in response.context.get("transitions", [])]


def test_a_viewer_sees_no_buttons_on_a_campaign_or_a_recommendation(client, alice):
    client.force_login(alice.viewer)

    assert _buttons(client, alice.campaign) == []
    assert _buttons(client, alice.recommendation) == []
    assert b'id="transition_form"' not in client.get(change_url(alice.campaign)).content


def test_an_analyst_may_pause_or_archive_an_active_campaign(client, alice):
    client.force_login(alice.analyst)

    response = client.get(change_url(alice.campaign))

    assert [b.label for b in response.context["transitions"]] == ["Pause", "Archive"]
    assert b">Pause</button>" in response.content


def test_an_analyst_may_resume_a_paused_campaign(client, alice):
    paused = make_campaign(alice.account, status=CampaignStatus.PAUSED)
    client.force_login(alice.analyst)

    assert _buttons(client, paused) == ["Resume", "Archive"]


def test_the_executors_lock_is_never_offered(client, alice, superuser):
    client.force_login(superuser)

    labels = _buttons(client, alice.campaign)

    assert "lock_for_change" not in labels
    assert "Pause" in labels


def test_an_analyst_may_not_decide_a_recommendation(client, alice):
    client.force_login(alice.analyst)

    assert _buttons(client, alice.recommendation) == []


def test_an_approver_may_approve_or_reject_a_proposed_recommendation(client, alice):
    client.force_login(alice.approver)

    response = client.get(change_url(alice.recommendation))

    assert [b.label for b in response.context["transitions"]] == ["Approve", "Reject"]
    assert b">Approve</button>" in response.content
    assert b">Reject</button>" in response.content


@pytest.mark.parametrize("status", [RecommendationStatus.FAILED, RecommendationStatus.BLOCKED])
def test_an_approver_may_requeue_a_failed_or_blocked_recommendation(client, alice, status):
    stuck = make_recommendation(alice.campaign, status=status)
    client.force_login(alice.approver)

    assert _buttons(client, stuck) == ["Re-queue"]


def test_executor_transitions_are_never_offered_even_to_a_superuser(client, alice, superuser):
    approved = make_recommendation(alice.campaign, status=RecommendationStatus.APPROVED)
    client.force_login(superuser)

    assert _buttons(client, approved) == []


def test_bobs_approver_sees_no_buttons_because_he_cannot_open_alices_page(client, alice, bob):
    client.force_login(bob.approver)

    response = client.get(change_url(alice.recommendation))

    assert response.status_code == 302
