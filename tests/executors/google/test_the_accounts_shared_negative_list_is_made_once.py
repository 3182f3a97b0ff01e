"""Negatives kept in the account's shared list: the list is created once (found again by
its name), the word added once, the list attached to each campaign that needs it."""

from campaigns.models import Campaign, Recommendation, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendations_create_bulk
from campaigns.services.rollback import recommendation_rollback
from executors.pipeline import execute_recommendation
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.executors.google.negatives_support import google_account

R = RecommendationStatus


def _listed_negative(account, campaign, actor, text="free"):
    rec = Recommendation(
        account=account,
        campaign=campaign,
        kind=RecommendationKind.NEGATIVE_KEYWORD,
        structure={
            "ad_group": None,
            "text": text,
            "match_type": "PHRASE",
            "negative": True,
            "list": True,
        },
        reason="We sell nothing for free",
        status=R.APPROVED,
        decided_by=actor,
    )
    [made] = recommendations_create_bulk(recommendations=[rec], actor=actor, reason="test")
    return made


def test_two_campaigns_share_one_list_with_one_keyword(alice, sandbox):
    account = google_account(alice.org, sandbox)
    account.execution_mode = "live"
    account.save(update_fields=["execution_mode"])
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    first, second = Campaign.objects.filter(account=account).order_by("external_id")[:2]

    a = _listed_negative(account, first, alice.approver)
    b = _listed_negative(account, second, alice.approver)
    assert execute_recommendation(a.pk).status == R.EXECUTED
    done = execute_recommendation(b.pk)

    assert done.status == R.EXECUTED, done.outcome_detail
    n = sandbox.world.search_terms.negatives
    assert [s["name"] for s in n.shared_sets.values()] == ["Spectra negative keywords"]
    assert [(c["text"], c["match_type"]) for c in n.shared_criteria.values()] == [
        ("free", "PHRASE")
    ]
    assert sorted(link["campaign"] + 1 for link in n.campaign_shared_sets.values()) == sorted(
        [int(first.external_id), int(second.external_id)]
    )
    # Its terms stop in both campaigns from the next day.
    world = sandbox.world
    world.advance(2)
    blocked = world.search_terms.blocked_on(world.today - 1)
    texts = world.search_terms.terms.text
    campaigns = world.search_terms.campaign_of_term
    free = [
        i
        for i, t in enumerate(texts)
        if "free" in t.split()
        and campaigns[i] + 1 in (int(first.external_id), int(second.external_id))
    ]
    assert free and all(blocked[i] for i in free)

    # Rolling one back takes the word out of the list (the list and its links stay).
    undo = recommendation_rollback(recommendation=a, actor=alice.approver, note="test")
    assert execute_recommendation(undo.pk).status == R.EXECUTED
    assert [c["status"] for c in n.shared_criteria.values()] == ["REMOVED"]
    assert len(n.shared_sets) == 1
