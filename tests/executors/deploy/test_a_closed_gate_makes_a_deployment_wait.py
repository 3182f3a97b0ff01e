"""With the kill switch off (or the platform unavailable) a deployment waits: it
returns "waiting", changes nothing and sends nothing; transient trouble never fails
a launch."""

import pytest

from campaigns.actors import system_user
from campaigns.models import CampaignStatus
from campaigns.services.switch import organization_execution_set
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import created, google_account, make_launch, set_faults

pytestmark = pytest.mark.django_db


def test_the_kill_switch_holds_a_deployment_and_nothing_is_sent(alice, sandbox, superuser):
    campaign = make_launch(google_account(alice, sandbox))
    organization_execution_set(
        organization=alice.org, actor=superuser, enabled=False, reason="incident"
    )

    assert deploy_campaign(campaign.pk, actor=system_user()) == "waiting"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DEPLOYING
    assert sandbox.app.world.writes == []
    assert sandbox.app.faults.tally()["requests"] == 0


def test_an_unavailable_platform_makes_it_wait_not_fail(alice, sandbox):
    campaign = make_launch(google_account(alice, sandbox))
    set_faults(sandbox, rate=1.0, kinds=["503"], retryAfter=0)

    assert deploy_campaign(campaign.pk, actor=system_user()) == "waiting"
    assert created(sandbox, "campaigns") == []
    set_faults(sandbox, rate=0.0)
    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"
