"""A deployment killed half-way (after N creates the platform applied, before Spectra
heard back or stored anything more) resumes with what exists and creates only the
rest: the platform never holds a duplicate."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus
from executors.clients.adobe import AdobeClient
from executors.clients.google_ads import GoogleAdsClient
from executors.deploy import deploy_campaign
from tests.executors.deploy.conftest import adobe_account, created, google_account, make_launch

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even an except clause."""


def _die_after(monkeypatch, cls, method: str, creates: int) -> None:
    original = getattr(cls, method)
    calls = {"n": 0}

    def dying(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if not kwargs.get("validate_only"):
            calls["n"] += 1
            if calls["n"] == creates:
                raise WorkerKilled()
        return result

    monkeypatch.setattr(cls, method, dying)


@pytest.mark.parametrize("creates", [1, 2, 3, 4, 5])
def test_a_google_deployment_killed_after_some_creates_finishes_without_duplicates(
    alice, sandbox, monkeypatch, creates
):
    campaign = make_launch(google_account(alice, sandbox))
    with monkeypatch.context() as patch:
        _die_after(patch, GoogleAdsClient, "mutate_operations", creates)
        with pytest.raises(WorkerKilled):
            deploy_campaign(campaign.pk, actor=system_user())

    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"

    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.ACTIVE
    counts = {
        kind: len(created(sandbox, kind))
        for kind in (
            "campaignBudgets",
            "campaigns",
            "adGroups",
            "adGroupCriteria",
            "campaignCriteria",
            "adGroupAds",
        )
    }
    assert counts == {
        "campaignBudgets": 1,
        "campaigns": 1,
        "adGroups": 2,
        "adGroupCriteria": 4,
        "campaignCriteria": 1,
        "adGroupAds": 2,
    }


@pytest.mark.parametrize("creates", [1, 2, 3, 4])
def test_an_adobe_deployment_killed_after_some_creates_finishes_without_duplicates(
    alice, sandbox, monkeypatch, creates
):
    campaign = make_launch(adobe_account(alice, sandbox))
    with monkeypatch.context() as patch:
        _die_after(patch, AdobeClient, "create", creates)
        with pytest.raises(WorkerKilled):
            deploy_campaign(campaign.pk, actor=system_user())

    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"

    assert len(created(sandbox, "campaigns", "adobe")) == 1
    assert len(created(sandbox, "adGroups", "adobe")) == 2
    assert len(created(sandbox, "creatives", "adobe")) == 2
