"""On a dry-run account a rollback to a version writes nothing: each change is
SIMULATED with the operations it would send, checked with validateOnly."""

import pytest

from campaigns.models import AdAccount, ExecutionMode, RecommendationKind, RecommendationStatus
from campaigns.services.rollback import campaign_rollback_to_version
from executors.tasks import execute_approved_task
from tests.executors.deploy.conftest import platform_writes
from tests.executors.versions.conftest import edited_launch, live_ads, live_keywords

pytestmark = pytest.mark.django_db
K = RecommendationKind


def test_a_dry_run_rollback_is_simulated_and_the_platform_keeps_the_edits(alice, sandbox):
    campaign, launch, _ = edited_launch(alice, sandbox)
    AdAccount.objects.filter(pk=campaign.account_id).update(execution_mode=ExecutionMode.DRY_RUN)
    writes = len(platform_writes(sandbox))

    recs = campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Try it first"
    )
    execute_approved_task(campaign.account_id)

    assert len(platform_writes(sandbox)) == writes
    assert "cheap wool socks" in live_keywords(sandbox, campaign)
    assert any(a["headlines"][0] == "Socks half price" for a in live_ads(sandbox, campaign))
    by_kind = {}
    for rec in recs:
        rec.refresh_from_db()
        assert rec.status == RecommendationStatus.SIMULATED
        by_kind[rec.kind] = rec.simulated_request
    assert by_kind[K.KEYWORD_REMOVE]["validation"] == "ok"
    [remove] = by_kind[K.KEYWORD_REMOVE]["operations"]
    assert remove["service"] == "adGroupCriteria" and remove["remove"]
    ad_ops = by_kind[K.AD_REPLACE]["operations"]
    assert [("create" in op, "remove" in op) for op in ad_ops] == [(True, False), (False, True)]
    created = ad_ops[0]["create"]["ad"]["responsiveSearchAd"]["headlines"]
    assert created[0] == {"text": "Wool socks on sale"}
