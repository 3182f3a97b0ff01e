"""A create the platform refuses after validation passed (partialFailure) fails the
launch with the platform's message; what was created stays PAUSED: nothing is left
half-enabled."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Brief, CampaignStatus
from executors.deploy import deploy_campaign
from executors.deploy.google import GoogleDeployment
from tests.executors.deploy.conftest import created, google_account, make_launch

pytestmark = pytest.mark.django_db


def test_a_refused_ad_fails_the_launch_and_the_campaign_stays_paused(alice, sandbox, monkeypatch):
    campaign = make_launch(google_account(alice, sandbox), url="ftp://example.com/socks")
    # As if the platform's validation had passed and its create then refused the ads.
    monkeypatch.setattr(GoogleDeployment, "validate", lambda self, ops: None)

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert "adError.FINAL_URL_REQUIRED" in Brief.objects.get(campaign=campaign).failure_reason
    [on_platform] = created(sandbox, "campaigns")
    assert on_platform["status"] == "PAUSED"
    assert created(sandbox, "adGroupAds") == []
    assert len(created(sandbox, "adGroups")) == 2  # created, under a paused campaign
