"""Every move of the Campaign state machine, allowed and forbidden, through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus
from campaigns.services.campaigns import (
    PERSON_TRANSITIONS,
    campaign_archive,
    campaign_lock_for_change,
    campaign_pause,
    campaign_resume,
    campaign_transition,
    campaign_unlock,
)
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.launches import (
    launch_approve,
    launch_assets_ready,
    launch_deployed,
    launch_fail,
    launch_simulated,
)
from tests.factories import make_campaign

S = CampaignStatus
LEASE = timedelta(minutes=10)


def _sources_by_transition() -> dict[str, set[str]]:
    sources: dict[str, set[str]] = {}
    for t in Campaign._meta.get_field("status").get_all_transitions(Campaign):
        sources.setdefault(t.name, set()).add(t.source)
    return sources


SOURCES = _sources_by_transition()
FORBIDDEN = sorted(
    (name, state)
    for name, allowed in SOURCES.items()
    if name != "unlock_after_change"  # the service's unlock is a documented no-op; see below
    for state in S.values
    if state not in allowed
)


def _status_in_db(campaign) -> str:
    return Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)


# A launch's transitions are taken by the services that do their work.
LAUNCH_SERVICES = {
    "mark_assets_ready": lambda c, a: launch_assets_ready(campaign=c, actor=a, flags=[]),
    "start_deployment": lambda c, a: launch_approve(campaign=c, actor=a),
    "mark_deployed": lambda c, a: launch_deployed(campaign=c, actor=a),
    "mark_deployment_simulated": lambda c, a: launch_simulated(campaign=c, actor=a),
    "fail": lambda c, a: launch_fail(campaign=c, actor=a, reason="Test: fail"),
}


def _take(transition: str, campaign, actor):
    """Call the service that takes `transition`, as the admin or the executor would."""
    if transition == "lock_for_change":
        return campaign_lock_for_change(
            campaign=campaign, actor=actor, reason="Writing a budget change", lease=LEASE
        )
    if transition in LAUNCH_SERVICES:
        return LAUNCH_SERVICES[transition](campaign, actor)
    return campaign_transition(
        campaign=campaign, transition=transition, actor=actor, reason=f"Test: {transition}"
    )


def test_the_model_declares_exactly_the_documented_transitions():
    assert _sources_by_transition() == {
        "start_asset_generation": {S.DRAFT},
        "mark_assets_ready": {S.GENERATING_ASSETS},
        "start_deployment": {S.PENDING_DEPLOYMENT},
        "mark_deployed": {S.DEPLOYING},
        "mark_deployment_simulated": {S.DEPLOYING},
        "lock_for_change": {S.ACTIVE},
        "unlock_after_change": {S.OPTIMIZING},
        "pause": {S.ACTIVE, S.OPTIMIZING},
        "resume": {S.PAUSED},
        "fail": {S.GENERATING_ASSETS, S.DEPLOYING},
        "reset_to_draft": {S.FAILED},
        "archive": {s for s in S.values if s != S.ARCHIVED},
    }


@pytest.mark.parametrize("source", [S.GENERATING_ASSETS, S.DEPLOYING])
def test_it_fails_a_campaign_that_was_being_built_and_sends_it_back_to_draft(alice, source):
    campaign = make_campaign(alice.account, status=source)
    assert _take("fail", campaign, alice.analyst).status == S.FAILED
    assert _status_in_db(campaign) == S.FAILED
    assert _take("reset_to_draft", campaign, alice.analyst).status == S.DRAFT
    assert _status_in_db(campaign) == S.DRAFT


def test_it_locks_an_active_campaign_for_a_change_with_a_lease_and_unlocks_it(alice):
    before = timezone.now()
    locked = campaign_lock_for_change(
        campaign=alice.campaign, actor=system_user(), reason="Writing a budget change", lease=LEASE
    )
    assert locked.status == S.OPTIMIZING
    assert before + LEASE <= locked.lock_expires_at <= timezone.now() + LEASE
    alice.campaign.refresh_from_db()
    assert alice.campaign.status == S.OPTIMIZING

    unlocked = campaign_unlock(
        campaign=alice.campaign, actor=system_user(), reason="Budget change written"
    )
    assert unlocked.status == S.ACTIVE
    alice.campaign.refresh_from_db()
    assert (alice.campaign.status, alice.campaign.lock_expires_at) == (S.ACTIVE, None)


def test_it_takes_over_an_optimizing_campaign_whose_lease_ran_out(alice):
    campaign = make_campaign(
        alice.account, status=S.OPTIMIZING, lock_expires_at=timezone.now() - timedelta(seconds=1)
    )
    relocked = campaign_lock_for_change(
        campaign=campaign, actor=system_user(), reason="Recovery takes over", lease=LEASE
    )
    assert relocked.status == S.OPTIMIZING
    campaign.refresh_from_db()
    assert campaign.lock_expires_at > timezone.now() + LEASE - timedelta(seconds=5)
    assert campaign.history.latest().history_change_reason == "Recovery takes over"


@pytest.mark.parametrize("lock_expires_at", ["live", None], ids=["live-lease", "no-lease"])
def test_it_refuses_to_lock_an_optimizing_campaign_whose_lease_is_not_over(alice, lock_expires_at):
    expires = timezone.now() + timedelta(minutes=5) if lock_expires_at == "live" else None
    campaign = make_campaign(alice.account, status=S.OPTIMIZING, lock_expires_at=expires)
    rows = campaign.history.count()
    with pytest.raises(TransitionRefused) as refused:
        campaign_lock_for_change(
            campaign=campaign, actor=system_user(), reason="Second writer", lease=LEASE
        )
    assert refused.value.current == S.OPTIMIZING
    campaign.refresh_from_db()
    assert (campaign.status, campaign.lock_expires_at) == (S.OPTIMIZING, expires)
    assert campaign.history.count() == rows


def test_it_pauses_and_resumes_an_active_campaign(alice):
    # Spectra's own state, as the executor and sync record it (a person's pause goes
    # through the pipeline first: tests/executors/execution/test_a_persons_pause_*).
    assert (
        campaign_transition(
            transition="pause", campaign=alice.campaign, actor=alice.analyst, reason="Spend review"
        ).status
        == S.PAUSED
    )
    assert _status_in_db(alice.campaign) == S.PAUSED
    assert (
        campaign_transition(
            transition="resume", campaign=alice.campaign, actor=alice.analyst, reason="Review done"
        ).status
        == S.ACTIVE
    )
    assert _status_in_db(alice.campaign) == S.ACTIVE


def test_it_pauses_an_optimizing_campaign_and_drops_its_lock(alice):
    campaign = make_campaign(
        alice.account, status=S.OPTIMIZING, lock_expires_at=timezone.now() + LEASE
    )
    campaign_transition(
        transition="pause", campaign=campaign, actor=alice.analyst, reason="Stop now"
    )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.lock_expires_at) == (S.PAUSED, None)


def test_unlocking_a_campaign_paused_meanwhile_leaves_it_paused(alice):
    campaign = make_campaign(
        alice.account, status=S.OPTIMIZING, lock_expires_at=timezone.now() + LEASE
    )
    campaign_transition(
        transition="pause", campaign=campaign, actor=alice.analyst, reason="Stop now"
    )
    campaign_unlock(campaign=campaign, actor=system_user(), reason="Write finished")
    assert _status_in_db(campaign) == S.PAUSED


@pytest.mark.parametrize("state", sorted(set(S.values) - {S.OPTIMIZING}))
def test_unlocking_a_campaign_that_is_not_optimizing_never_changes_its_state(alice, state):
    campaign = make_campaign(alice.account, status=state)
    campaign_unlock(campaign=campaign, actor=system_user(), reason="Write finished")
    assert _status_in_db(campaign) == state


@pytest.mark.parametrize("state", sorted(s for s in S.values if s != S.ARCHIVED))
def test_it_archives_a_campaign_from_any_state_but_archived(alice, state):
    campaign = make_campaign(alice.account, status=state, lock_expires_at=timezone.now() + LEASE)
    campaign_archive(campaign=campaign, actor=alice.analyst, reason="Season over")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.lock_expires_at) == (S.ARCHIVED, None)


@pytest.mark.parametrize(("transition", "state"), FORBIDDEN)
def test_it_refuses_every_transition_from_a_state_it_does_not_start_from(alice, transition, state):
    # A live lease, so that lock_for_change on OPTIMIZING is a real refusal.
    campaign = make_campaign(alice.account, status=state, lock_expires_at=timezone.now() + LEASE)
    before = Campaign.objects.values().get(pk=campaign.pk)
    rows = campaign.history.count()

    with pytest.raises(TransitionRefused) as refused:
        _take(transition, campaign, alice.admin)

    assert refused.value.current == state
    assert str(refused.value)
    assert Campaign.objects.values().get(pk=campaign.pk) == before
    assert campaign.history.count() == rows


def test_it_refuses_to_resume_an_archived_campaign(alice):
    campaign = make_campaign(alice.account, status=S.ARCHIVED)
    with pytest.raises(TransitionRefused, match="archived") as refused:
        campaign_resume(campaign=campaign, actor=alice.admin, reason="Bring it back")
    assert refused.value.current == S.ARCHIVED


@pytest.mark.parametrize(
    "transition",
    [
        "lock_for_change",
        "unlock_after_change",
        "delete",
        # a launch's own: entered by the work, never by a button
        "mark_assets_ready",
        "start_deployment",
        "mark_deployed",
        "mark_deployment_simulated",
        "fail",
    ],
)
def test_a_person_cannot_take_the_executors_transitions_or_made_up_ones(alice, transition):
    assert transition not in PERSON_TRANSITIONS
    with pytest.raises(ServiceError, match="not a campaign transition"):
        campaign_transition(
            campaign=alice.campaign, transition=transition, actor=alice.admin, reason="Trying"
        )
    assert _status_in_db(alice.campaign) == S.ACTIVE


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_transition_without_a_reason(alice, reason):
    with pytest.raises(ServiceError, match="reason is required"):
        campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason=reason)
    assert _status_in_db(alice.campaign) == S.ACTIVE
