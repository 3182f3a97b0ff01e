"""'Roll back' on one executed keyword addition removes that keyword from the platform
(the inverse change, through the pipeline) and marks the addition rolled back."""

import pytest

from campaigns.models import Keyword, RecommendationKind, RecommendationStatus
from campaigns.services.rollback import recommendation_rollback
from tests.executors.versions.conftest import add_keyword, launched, live_keywords, run_worker

pytestmark = pytest.mark.django_db
S = RecommendationStatus


def test_the_added_keyword_is_removed_and_its_addition_rolled_back(alice, sandbox):
    campaign, _ = launched(alice, sandbox)
    before = live_keywords(sandbox, campaign)
    added = add_keyword(campaign, alice.approver, "Merino socks", "merino gift socks", "EXACT")
    run_worker(campaign.account)
    assert "merino gift socks" in live_keywords(sandbox, campaign)

    undo = recommendation_rollback(
        recommendation=added, actor=alice.approver, note="Wrong audience"
    )
    assert undo.kind == RecommendationKind.KEYWORD_REMOVE
    run_worker(campaign.account)

    assert live_keywords(sandbox, campaign) == before
    assert not Keyword.objects.filter(campaign=campaign, text="merino gift socks").exists()
    added.refresh_from_db()
    undo.refresh_from_db()
    assert (added.status, undo.status) == (S.ROLLED_BACK, S.EXECUTED)
