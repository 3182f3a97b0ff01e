"""An ad group paused since the launch is enabled again by rolling back to the launch
version: its status is part of the version."""

import pytest

from campaigns.models import AdGroup, AdGroupStatus, RecommendationKind, RecommendationStatus
from campaigns.services.rollback import campaign_rollback_to_version
from tests.executors.deploy.conftest import created
from tests.executors.versions.conftest import launched, pause_ad_group, run_worker

pytestmark = pytest.mark.django_db
S = RecommendationStatus


def _platform_status(sandbox, group):
    [record] = [g for g in created(sandbox, "adGroups") if str(g["id"]) == group.external_id]
    return record["status"]


def test_the_paused_ad_group_is_enabled_again(alice, sandbox, client):
    campaign, launch = launched(alice, sandbox)
    paused = pause_ad_group(campaign, alice.approver, "Merino socks")
    run_worker(campaign.account)
    group = AdGroup.objects.get(pk=paused.ad_group_id)
    assert (group.status, _platform_status(sandbox, group)) == (AdGroupStatus.PAUSED, "PAUSED")
    client.force_login(alice.approver)
    html = client.get(f"/admin/campaigns/campaign/{campaign.pk}/versions/").content.decode()
    assert "ad group ‘Merino socks’ paused → active" in html

    [rec] = campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back on"
    )
    assert rec.kind == RecommendationKind.AD_GROUP_RESUME
    run_worker(campaign.account)

    rec.refresh_from_db()
    group.refresh_from_db()
    assert rec.status == S.EXECUTED, rec.outcome_detail
    assert (group.status, _platform_status(sandbox, group)) == (AdGroupStatus.ACTIVE, "ENABLED")
    paused.refresh_from_db()
    assert paused.status == S.ROLLED_BACK
