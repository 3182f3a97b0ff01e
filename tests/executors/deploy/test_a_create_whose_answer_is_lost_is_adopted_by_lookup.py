"""A create the platform applied but answered with a gateway 502 is an unknown outcome:
the deployment waits (never resends it blind), and the next attempt finds the object
by its name and adopts it."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import created, google_account, make_launch, set_faults
from tests.executors.google.conftest import fault_seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lost", [1, 2, 3])  # the budget, the campaign, the ad groups
def test_a_502_after_a_create_is_settled_by_lookup(alice, sandbox, lost):
    campaign = make_launch(google_account(alice, sandbox))
    # writes only: the validateOnly request passes, the lost-th create is applied, then 502
    pattern = [False] * (lost) + [True] + [False] * 10
    set_faults(sandbox, rate=0.5, kinds=["502"], writesOnly=True, seed=fault_seed("502", pattern))

    assert deploy_campaign(campaign.pk, actor=system_user()) == "waiting"
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DEPLOYING

    set_faults(sandbox, rate=0.0)
    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"
    assert len(created(sandbox, "campaignBudgets")) == 1
    assert len(created(sandbox, "campaigns")) == 1
    assert len(created(sandbox, "adGroups")) == 2
