"""Two writers racing on one campaign or recommendation: exactly one wins, nothing is lost."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django_fsm import ConcurrentTransition

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus, RecommendationStatus
from campaigns.services.campaigns import campaign_pause
from campaigns.services.errors import TransitionRefused
from campaigns.services.recommendations import recommendation_claim
from tests.factories import make_recommendation

S = CampaignStatus


def _waiting_on_table_locks(target):
    """Call `target`, waiting out SQLite shared-cache table locks like the busy timeout would.

    The test database is SQLite in memory with a shared cache: a second writer
    gets "database table is locked" at once instead of queueing on the busy
    timeout as it does on the file database (WAL, IMMEDIATE) Spectra runs on.
    Retrying the whole call (its transaction was rolled back) is what that wait
    amounts to; every other error is returned to the test.
    """
    for _ in range(200):
        try:
            return target()
        except OperationalError as exc:
            if "database table is locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked for 2 s")


def _race(target, n: int = 2) -> list:
    """Run `target()` in `n` threads released together; return each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = (
                _waiting_on_table_locks(target) if connection.vendor == "sqlite" else target()
            )
        except Exception as exc:  # reported to the test, never swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results


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
    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="Spend review")

    stale.name = "Renamed from a stale form"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()

    fresh = Campaign.objects.get(pk=alice.campaign.pk)
    assert (fresh.status, fresh.name) == (S.PAUSED, alice.campaign.name)


def test_a_service_given_a_stale_copy_acts_on_the_current_state(alice):
    stale = Campaign.objects.get(pk=alice.campaign.pk)
    campaign_pause(campaign=alice.campaign, actor=alice.analyst, reason="First pause")
    with pytest.raises(TransitionRefused) as refused:
        campaign_pause(campaign=stale, actor=alice.analyst, reason="Second pause")
    assert refused.value.current == S.PAUSED
    assert alice.campaign.history.filter(status=S.PAUSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_recommendation_get_exactly_one_win(alice):
    rec = make_recommendation(alice.campaign, status=RecommendationStatus.APPROVED)
    actor = system_user()

    results = _race(
        lambda: recommendation_claim(recommendation=rec, actor=actor, lease=timedelta(minutes=5))
    )

    assert sorted(results, key=repr) == [False, True], results
    rec.refresh_from_db()
    assert (rec.status, rec.attempts) == (RecommendationStatus.EXECUTING, 1)
    assert rec.history.filter(history_change_reason="Claimed for execution").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_pausing_the_same_campaign_at_once_pause_it_once(alice):
    campaign = Campaign.objects.get(pk=alice.campaign.pk)

    results = _race(
        lambda: campaign_pause(campaign=campaign, actor=alice.analyst, reason="Spend spike")
    )

    winners = [r for r in results if isinstance(r, Campaign)]
    losers = [r for r in results if isinstance(r, TransitionRefused | ConcurrentTransition)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert Campaign.objects.get(pk=campaign.pk).status == S.PAUSED
    assert campaign.history.filter(status=S.PAUSED).count() == 1
