"""Approve a negative keyword → the pipeline writes it to Google → its term stops
spending; roll it back → the negative is removed and the term comes back."""

from campaigns.models import Keyword, Recommendation, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendation_approve
from campaigns.services.rollback import recommendation_rollback
from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from executors.sync import sync_account
from optimizer.services import optimize_account
from tests.executors.conftest import TODAY, WINDOW
from tests.executors.google.negatives_support import google_account

R = RecommendationStatus


def _platform_negatives(world) -> dict[str, str]:
    return {c["resource_name"]: c["status"] for c in world.search_terms.negatives.criteria.values()}


def _term_spend(world, text: str, day: int) -> float:
    st = world.search_terms
    return float(st.days[day][0, st.terms.text.index(text)])


def test_a_negative_is_written_once_stops_its_terms_spend_and_is_undone(alice, sandbox):
    account = google_account(alice.org, sandbox)
    account.execution_mode = "live"
    account.save(update_fields=["execution_mode"])
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    optimize_account(account=account, as_of=TODAY, actor=alice.analyst)
    rec = max(
        Recommendation.objects.filter(account=account, kind=RecommendationKind.NEGATIVE_KEYWORD),
        key=lambda r: float(r.evidence["spend"]),
    )
    term = rec.structure["text"]
    world = sandbox.world
    assert _term_spend(world, term, world.today - 1) > 0

    recommendation_approve(recommendation=rec, actor=alice.approver)
    done = execute_recommendation(rec.pk)
    execute_recommendation(rec.pk)  # delivered twice: written once

    assert done.status == R.EXECUTED, done.outcome_detail
    [name] = _platform_negatives(world)
    criterion = world.search_terms.negatives.criteria[name]
    assert (criterion["text"], criterion["match_type"]) == (term, "EXACT")
    assert criterion["campaign"] + 1 == int(rec.campaign.external_id)
    assert Keyword.objects.filter(
        campaign=rec.campaign, ad_group=None, text=term, negative=True
    ).exists()
    log = ExecutionLog.objects.get(recommendation=rec)
    assert log.action == "google_ads.negative_keyword"

    world.advance(2)  # the write's day keeps its settings; the next day has no such term
    assert _term_spend(world, term, world.today - 1) == 0

    rollback = recommendation_rollback(recommendation=rec, actor=alice.approver, note="Test")
    undone = execute_recommendation(rollback.pk)

    assert undone.status == R.EXECUTED, undone.outcome_detail
    assert _platform_negatives(world) == {name: "REMOVED"}
    assert Recommendation.objects.get(pk=rec.pk).status == R.ROLLED_BACK
    assert not Keyword.objects.filter(campaign=rec.campaign, text=term, negative=True).exists()
    world.advance(2)
    assert _term_spend(world, term, world.today - 1) > 0
