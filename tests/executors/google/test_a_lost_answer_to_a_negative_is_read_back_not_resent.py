"""A negative keyword whose answer is lost (the connection reset after Google applied
it) is read back: EXECUTED, written once, never sent twice."""

import requests

from campaigns.models import Recommendation, RecommendationKind, RecommendationStatus, Source
from campaigns.services.recommendations import recommendations_create_bulk
from executors.pipeline import execute_recommendation
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.executors.google.conftest import fault_seed, google_writes, set_faults
from tests.executors.google.negatives_support import google_account


def test_a_reset_after_the_write_ends_executed_with_one_write(alice, sandbox):
    account = google_account(alice.org, sandbox)
    account.execution_mode = "live"
    account.save(update_fields=["execution_mode"])
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    campaign = account.campaigns.order_by("external_id").first()
    rec = Recommendation(
        account=account,
        campaign=campaign,
        kind=RecommendationKind.NEGATIVE_KEYWORD,
        structure={
            "ad_group": None,
            "text": "sarees jobs",
            "match_type": "EXACT",
            "negative": True,
        },
        reason="No one buys from a job search",
        source=Source.PERSON,
        status=RecommendationStatus.APPROVED,
        decided_by=alice.approver,
    )
    [rec] = recommendations_create_bulk(recommendations=[rec], actor=alice.approver, reason="t")
    set_faults(
        sandbox, rate=0.5, kinds=["reset"], writesOnly=True, seed=fault_seed("reset", [True])
    )

    done = execute_recommendation(rec.pk)
    tally = requests.get(f"{sandbox.base_url}/_sandbox/faults/tally", timeout=10).json()
    assert tally["injected"].get("appliedUnanswered") == 1  # the answer really was lost
    set_faults(sandbox, rate=0.0)
    done = execute_recommendation(rec.pk)  # whatever the first call left, it ends once

    assert done.status == RecommendationStatus.EXECUTED, done.outcome_detail
    negatives = [w for w in google_writes(sandbox) if "/negatives/campaignCriteria" in w["path"]]
    assert len(negatives) == 1
    assert [c["text"] for c in sandbox.world.search_terms.negatives.criteria.values()] == [
        "sarees jobs"
    ]
