"""The optimiser proposes the search terms that spend without converting as negatives."""

from campaigns.models import Recommendation, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendation_reject
from executors.sync import sync_account
from optimizer.services import optimize_account
from tests.executors.conftest import TODAY, WINDOW
from tests.executors.google.negatives_support import google_account

K = RecommendationKind


def _negatives(account):
    return list(Recommendation.objects.filter(account=account, kind=K.NEGATIVE_KEYWORD))


def _irrelevant_spend(world) -> dict[tuple[str, str], float]:
    """Ground truth: the spend of each term that never converts, by (campaign, term)."""
    st = world.search_terms
    spent = sum(st.days[d][0] for d in range(world.today))
    return {
        (str(st.campaign_of_term[i] + 1), st.terms.text[i]): float(spent[i])
        for i in range(len(st.terms.text))
        if st.terms.irrelevant[i] and spent[i] > 0
    }


def test_only_terms_that_never_convert_are_proposed_with_their_evidence(alice, bob, sandbox):
    account = google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    optimize_account(account=account, as_of=TODAY, actor=alice.analyst)

    recs = _negatives(account)
    proposed = {(r.campaign.external_id, r.structure["text"]) for r in recs}
    truth = _irrelevant_spend(sandbox.world)
    assert proposed <= truth.keys()  # no term that converts like its ad group
    # Most of the wasted money is found (a term with a few clicks may be chance).
    assert sum(truth[k] for k in proposed) >= 0.8 * sum(truth.values())
    rec = max(recs, key=lambda r: float(r.evidence["spend"]))
    assert rec.status == RecommendationStatus.PROPOSED and rec.requires_approval
    assert rec.structure == {
        "ad_group": None,
        "text": rec.evidence["term"],
        "match_type": "EXACT",
        "negative": True,
    }
    e = rec.evidence
    assert e["clicks"] > 0 and float(e["spend"]) > 0 and e["conversions"] == 0
    assert e["p_adjusted"] < 0.05 and e["p_value"] <= e["p_adjusted"]
    assert f"‘{e['term']}’" in rec.reason and "no conversions" in rec.reason
    assert not _negatives(google_account(bob.org, sandbox, name="bob google"))


def test_a_term_a_person_rejected_is_not_proposed_again_for_that_campaign(alice, sandbox):
    account = google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    optimize_account(account=account, as_of=TODAY, actor=alice.analyst)
    first = _negatives(account)
    rejected = first[0]
    recommendation_reject(
        recommendation=rejected, actor=alice.approver, note="We do hire: keep 'jobs' in"
    )

    sandbox.world.advance(1)
    sync_account(account=account, date_from=WINDOW[0], date_to=TODAY)
    optimize_account(account=account, as_of=sandbox.world.today_date, actor=alice.analyst)

    again = [
        r
        for r in _negatives(account)
        if r.pk != rejected.pk
        and r.campaign_id == rejected.campaign_id
        and r.structure["text"] == rejected.structure["text"]
    ]
    assert again == []
    # The others, still open, are not proposed twice either.
    assert len(_negatives(account)) == len(first)
