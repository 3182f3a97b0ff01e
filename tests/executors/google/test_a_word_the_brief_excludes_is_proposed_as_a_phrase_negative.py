"""A campaign whose brief excludes a word gets one phrase negative for it, whatever the
numbers of the search terms that contain it."""

from datetime import date

from campaigns.models import Brief, Campaign, Recommendation, RecommendationKind
from executors.sync import sync_account
from optimizer.services import optimize_account
from tests.executors.conftest import TODAY, WINDOW
from tests.executors.google.negatives_support import google_account


def test_the_excluded_word_is_one_phrase_negative_covering_its_terms(alice, sandbox):
    account = google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    campaign = Campaign.objects.get(account=account, external_id="1")
    world = sandbox.world
    st = world.search_terms
    words = {
        t.split()[-1] for t, c in zip(st.terms.text, st.campaign_of_term, strict=True) if c == 0
    }
    relevant = next(w for w in ("price", "online", "best", "deals", "sale") if w in words)
    Brief.objects.create(
        campaign=campaign,
        objective="conversions",
        start_date=date(2026, 10, 1),
        product="Skincare",
        landing_url="https://example.com/skincare",
        excluded_terms=[relevant.upper()],  # a word that converts: the brief still rules
    )

    optimize_account(account=account, as_of=TODAY, actor=alice.analyst)

    recs = Recommendation.objects.filter(
        account=account, campaign=campaign, kind=RecommendationKind.NEGATIVE_KEYWORD
    )
    [rec] = [r for r in recs if r.structure["match_type"] == "PHRASE"]
    assert rec.structure["text"] == relevant
    assert rec.evidence["excluded_by_brief"] == relevant
    assert rec.evidence["search_terms"] and all(
        relevant in t.split() for t in rec.evidence["search_terms"]
    )
    assert rec.evidence["conversions"] > 0 and rec.evidence["p_value"] is None
    assert f"The brief excludes ‘{relevant}’" in rec.reason
    # Its terms are not proposed again one by one.
    exact = {r.structure["text"] for r in recs if r.structure["match_type"] == "EXACT"}
    assert not any(relevant in t.split() for t in exact)
