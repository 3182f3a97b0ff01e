"""Two writers racing on one campaign or recommendation: exactly one wins, nothing is lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_pause, campaign_transition
from campaigns.services.errors import TransitionRefused
from campaigns.services.recommendations import recommendation_claim
from tests.concurrency import race
from tests.factories import make_recommendation

S = CampaignStatus


def test_a_stale_copy_cannot_overwrite_a_transition_made_meanwhile(alice):
    first = Campaign.objects.get(pk=alice.campaign.pk)
    second = Campaign.objects.get(pk=alice.campaign.pk)

    first.pause()
    with transaction.atomic():
        first.save()

    second.archive()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    assert Campaign.objects.get(pk=alice.campaign.pk).status == S.PAUSED


def test_a_stale_copy_cannot_save_other_fields_over_a_transition_either(alice):
    stale = Campaign.objects.get(pk=alice.campaign.pk)
    campaign_transition(
        transition="pause", campaign=alice.campaign, actor=alice.analyst, reason="Spend review"
    )

    stale.name = "Renamed from a stale form"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    fresh = Campaign.objects.get(pk=alice.campaign.pk)
    assert (fresh.status, fresh.name) == (S.PAUSED, alice.campaign.name)


def test_a_service_given_a_stale_copy_acts_on_the_current_state(alice):
    stale = Campaign.objects.get(pk=alice.campaign.pk)
    campaign_transition(
        transition="pause", campaign=alice.campaign, actor=alice.analyst, reason="First pause"
    )
    with pytest.raises(TransitionRefused) as refused:
        campaign_transition(
            transition="pause", campaign=stale, actor=alice.analyst, reason="Second pause"
        )
    assert refused.value.current == S.PAUSED
    assert alice.campaign.history.filter(status=S.PAUSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_recommendation_get_exactly_one_win(alice):
    rec = make_recommendation(alice.campaign, status=RecommendationStatus.APPROVED)
    actor = system_user()

    results = race(
        lambda: recommendation_claim(recommendation=rec, actor=actor, lease=timedelta(minutes=5))
    )

    assert sorted(results, key=repr) == [False, True], results
    rec.refresh_from_db()
    assert (rec.status, rec.attempts) == (RecommendationStatus.EXECUTING, 1)
    assert rec.history.filter(history_change_reason="Claimed for execution").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_pausing_the_same_campaign_at_once_send_one_pause(alice):
    campaign = Campaign.objects.get(pk=alice.campaign.pk)

    results = race(
        lambda: campaign_pause(campaign=campaign, actor=alice.analyst, reason="Spend spike")
    )

    # Both are told about the same pause on its way; the platform gets it once.
    assert all(isinstance(r, Recommendation) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Recommendation.objects.filter(campaign=campaign, kind="pause").count() == 1
