"""Google's validateOnly of the whole plan comes first: a refused plan fails the
launch with the platform's reason and creates nothing."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Brief, CampaignStatus
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import created, google_account, make_launch

pytestmark = pytest.mark.django_db


def test_a_duplicate_campaign_name_fails_with_googles_reason_and_creates_nothing(alice, sandbox):
    taken = sandbox.app.world.campaign(0)["name"]  # a campaign the account already has
    campaign = make_launch(google_account(alice, sandbox), name=taken)

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    reason = Brief.objects.get(campaign=campaign).failure_reason
    assert "campaignError.DUPLICATE_CAMPAIGN_NAME" in reason
    assert all(created(sandbox, kind) == [] for kind in ("campaignBudgets", "campaigns"))
    assert sandbox.app.world.writes == []


def test_a_final_url_google_refuses_fails_the_launch(alice, sandbox):
    campaign = make_launch(google_account(alice, sandbox), url="ftp://example.com/socks")

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"
    assert "adError.FINAL_URL_REQUIRED" in Brief.objects.get(campaign=campaign).failure_reason
    assert sandbox.app.world.writes == []
