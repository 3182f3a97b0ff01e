"""Roll back to the launch version: the platform serves the launch's ad copy again and
not the keyword added since, through the pipeline, exactly once however often the
worker's task is delivered."""

import pytest

from campaigns.models import Asset, Keyword, RecommendationKind, RecommendationStatus
from campaigns.services.errors import ServiceError
from campaigns.services.rollback import campaign_rollback_to_version
from executors.tasks import execute_approved_task
from tests.executors.deploy.conftest import HEADLINES, platform_writes
from tests.executors.versions.conftest import edited_launch, launched, live_ads, live_keywords

pytestmark = pytest.mark.django_db
K = RecommendationKind
S = RecommendationStatus


def test_the_platform_has_the_launch_copy_and_no_extra_keyword_again(alice, sandbox):
    campaign, launch, original_keywords = edited_launch(alice, sandbox)
    assert any(a["headlines"][0] == "Socks half price" for a in live_ads(sandbox, campaign))

    recs = campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back to launch"
    )
    assert sorted(r.kind for r in recs) == sorted([K.AD_REPLACE, K.KEYWORD_REMOVE])
    execute_approved_task(campaign.account_id)

    assert live_keywords(sandbox, campaign) == original_keywords
    ads = live_ads(sandbox, campaign)
    assert len(ads) == 2  # one per ad group: the edited one was replaced, not added to
    assert all(a["headlines"] == HEADLINES for a in ads)
    # Spectra's rows follow: the keyword is gone, the headline is the launch's again.
    assert not Keyword.objects.filter(campaign=campaign, text="cheap wool socks").exists()
    assert Asset.objects.filter(campaign=campaign, text="Socks half price").count() == 0
    assert Asset.objects.filter(campaign=campaign, text=HEADLINES[0]).count() == 2
    for rec in recs:
        rec.refresh_from_db()
        assert rec.status == S.EXECUTED, rec.outcome_detail


def test_a_redelivered_task_writes_nothing_more(alice, sandbox):
    campaign, launch, original_keywords = edited_launch(alice, sandbox)
    campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back to launch"
    )
    execute_approved_task(campaign.account_id)
    writes = len(platform_writes(sandbox))

    execute_approved_task(campaign.account_id)  # delivered again

    assert len(platform_writes(sandbox)) == writes
    assert live_keywords(sandbox, campaign) == original_keywords
    removes = [w for w in platform_writes(sandbox) if w["path"].endswith("adGroupCriteria:remove")]
    assert len(removes) == 1


def test_nothing_is_proposed_when_the_campaign_matches_the_version(alice, sandbox):
    campaign, launch = launched(alice, sandbox)

    with pytest.raises(ServiceError, match="already matches"):
        campaign_rollback_to_version(
            campaign=campaign, history_id=launch, actor=alice.approver, note="x"
        )
