"""With the platform failing a third of its requests (answers lost after the write was
applied, 5xx, 429, connections reset), repeated deployments end ACTIVE and the
platform holds exactly one of every object: an unknown outcome is settled by lookup."""

import pytest

from campaigns.actors import system_user
from campaigns.models import CampaignStatus
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import (
    adobe_account,
    created,
    google_account,
    make_launch,
    set_faults,
)

pytestmark = pytest.mark.django_db
KINDS = ["500", "503", "429", "reset", "502", "malformed"]


def _until_done(campaign) -> list[str]:
    outcomes = []
    for _ in range(40):
        outcomes.append(deploy_campaign(campaign.pk, actor=system_user()))
        if outcomes[-1] != "waiting":
            break
    return outcomes


@pytest.fixture(autouse=True)
def _patient_breaker(settings):
    settings.BREAKER_FAILURE_THRESHOLD = 1000  # the test is about duplicates, not the breaker


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_google_under_faults(alice, sandbox, seed):
    campaign = make_launch(google_account(alice, sandbox))
    set_faults(sandbox, rate=0.33, kinds=KINDS, seed=seed, retryAfter=0)

    outcomes = _until_done(campaign)

    campaign.refresh_from_db()
    assert outcomes[-1] == "active" and campaign.status == CampaignStatus.ACTIVE
    assert sandbox.app.faults.tally()["injected"]  # faults did strike
    assert [
        len(created(sandbox, k))
        for k in (
            "campaignBudgets",
            "campaigns",
            "adGroups",
            "adGroupCriteria",
            "campaignCriteria",
            "adGroupAds",
        )
    ] == [1, 1, 2, 4, 1, 2]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_adobe_under_faults(alice, sandbox, seed):
    campaign = make_launch(adobe_account(alice, sandbox))
    set_faults(sandbox, rate=0.33, kinds=KINDS, seed=seed, retryAfter=0)

    outcomes = _until_done(campaign)

    campaign.refresh_from_db()
    assert outcomes[-1] == "active" and campaign.status == CampaignStatus.ACTIVE
    assert [len(created(sandbox, k, "adobe")) for k in ("campaigns", "adGroups", "creatives")] == [
        1,
        2,
        2,
    ]
