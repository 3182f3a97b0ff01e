"""A worker that dies after sending an ad's replacement leaves the change EXECUTING;
recovery reads the platform back, sees the version's copy, and settles it EXECUTED
without sending it again: the ad group keeps exactly one ad, with the version's copy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import Asset, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendation_claim
from campaigns.services.rollback import campaign_rollback_to_version
from executors.pipeline import recover_executions
from executors.writers import writer_for
from tests.executors.deploy.conftest import HEADLINES, platform_writes
from tests.executors.versions.conftest import edited_launch, live_ads, run_worker

pytestmark = pytest.mark.django_db
S = RecommendationStatus


def test_recovery_settles_the_replacement_by_reading_it_back(alice, sandbox):
    campaign, launch, _ = edited_launch(alice, sandbox)
    recs = campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back to launch"
    )
    [rec] = [r for r in recs if r.kind == RecommendationKind.AD_REPLACE]
    assert recommendation_claim(
        recommendation=rec, actor=system_user(), lease=timedelta(seconds=-1)
    )
    writer = writer_for(rec.account)
    call, target, spec = writer.change_of(writer.prepare(rec))
    [result] = writer.mutate_call(call)([(target, spec)])  # sent; then the worker dies
    assert result.ok
    creates = len([w for w in platform_writes(sandbox) if w["path"].endswith("adGroupAds:create")])

    recover_executions(now=timezone.now())
    run_worker(campaign.account)  # the rest of the rollback, and nothing twice

    rec.refresh_from_db()
    assert rec.status == S.EXECUTED, rec.outcome_detail
    after = [w for w in platform_writes(sandbox) if w["path"].endswith("adGroupAds:create")]
    assert len(after) == creates  # not sent again
    ads = live_ads(sandbox, campaign)
    assert len(ads) == 2 and all(a["headlines"] == HEADLINES for a in ads)
    assert not Asset.objects.filter(campaign=campaign, text="Socks half price").exists()
