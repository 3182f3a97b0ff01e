"""An Adobe campaign someone else named like the launch is not adopted: the platform
refuses the duplicate name and the launch fails saying so."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Brief, CampaignStatus
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import adobe_account, created, make_launch

pytestmark = pytest.mark.django_db


def test_a_same_named_campaign_is_refused_not_adopted(alice, sandbox):
    taken = sandbox.app.world.campaign(0)
    campaign = make_launch(adobe_account(alice, sandbox), name=taken["name"])

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED and campaign.external_id == ""
    assert "already exists" in Brief.objects.get(campaign=campaign).failure_reason
    assert created(sandbox, "campaigns", "adobe") == []
