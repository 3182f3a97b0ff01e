"""On a dry-run account the deployment sends Google only a validateOnly request (Adobe
nothing), keeps the requests that would have gone out, and the launch goes back to
PENDING_DEPLOYMENT; a read-only account refuses."""

import pytest

from campaigns.actors import system_user
from campaigns.models import CampaignStatus
from executors.deploy import deploy_campaign
from executors.models import DeployLog, ExecutionOutcome
from tests.executors.deploy.conftest import (
    adobe_account,
    created,
    google_account,
    make_launch,
)

pytestmark = pytest.mark.django_db


def test_a_google_dry_run_validates_and_keeps_the_plan(alice, sandbox):
    campaign = make_launch(google_account(alice, sandbox, execution_mode="dry_run"))

    assert deploy_campaign(campaign.pk, actor=system_user()) == "simulated"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    assert campaign.external_id == ""
    assert sandbox.app.world.writes == [] and created(sandbox, "campaigns") == []
    [kept] = DeployLog.objects.filter(campaign=campaign, outcome=ExecutionOutcome.SIMULATED)
    operations = kept.request["mutateOperations"]
    assert kept.request["validateOnly"] is True
    assert len(operations) == 1 + 1 + 2 + 4 + 2 + 1  # budget, campaign, groups, kws, ads, neg
    assert "Wool socks on sale" in str(operations)


def test_an_adobe_dry_run_sends_nothing_and_keeps_every_request(alice, sandbox):
    campaign = make_launch(adobe_account(alice, sandbox, execution_mode="dry_run"))

    assert deploy_campaign(campaign.pk, actor=system_user()) == "simulated"

    assert sandbox.app.world.writes == []
    kept = DeployLog.objects.filter(campaign=campaign, outcome=ExecutionOutcome.SIMULATED)
    assert sorted(kept.values_list("action", flat=True)) == [
        "adobe.adGroups.create",
        "adobe.adGroups.create",
        "adobe.campaigns.create",
    ]


def test_a_read_only_account_refuses(alice, sandbox):
    campaign = make_launch(google_account(alice, sandbox, execution_mode="read_only"))

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"
    assert sandbox.app.world.writes == []
