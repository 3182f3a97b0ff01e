"""A Google launch goes out whole: validated first, every object created under the
names Spectra gave it, the campaign enabled last and ACTIVE in Spectra, each external
id stored, every call in the deploy log with its secrets redacted."""

import pytest

from campaigns.models import Ad, AdGroup, Campaign, CampaignStatus, Keyword
from executors.models import DeployLog
from tests.executors.deploy.conftest import created, deploy, deployed, google_account

pytestmark = pytest.mark.django_db


def test_a_google_launch_is_active_with_every_object_on_the_platform(alice, sandbox):
    campaign = deployed(google_account(alice, sandbox))

    [on_platform] = [c for c in created(sandbox, "campaigns") if c["name"] == "Winter socks"]
    assert on_platform["status"] == "ENABLED"
    assert campaign.external_id == str(on_platform["id"])
    groups = {g["name"]: g for g in created(sandbox, "adGroups")}
    assert set(groups) == {"Wool socks", "Merino socks"}
    for group in AdGroup.objects.filter(campaign=campaign):
        assert group.external_id == str(groups[group.name]["id"])
    keywords = created(sandbox, "adGroupCriteria")
    assert sorted(k["text"] for k in keywords) == sorted(
        Keyword.objects.filter(campaign=campaign, negative=False).values_list("text", flat=True)
    )
    assert [(n["text"], n["negative"]) for n in created(sandbox, "campaignCriteria")] == [
        ("free", True)
    ]
    ads = created(sandbox, "adGroupAds")
    assert len(ads) == 2 and all(len(a["headlines"]) == 4 for a in ads)
    assert all(a.external_id for a in Ad.objects.filter(campaign=campaign))
    assert all(k.external_id for k in Keyword.objects.filter(campaign=campaign))

    actions = list(DeployLog.objects.filter(campaign=campaign).values_list("action", flat=True))
    assert actions.index("google.validate") < actions.index("google.campaignBudgets.create")
    assert actions[-1] == "google.search"  # the read-back after enabling
    assert "google.campaigns.enable" in actions
    assert "secret" not in str(list(DeployLog.objects.values_list("request", flat=True)))


def test_deploying_again_changes_nothing(alice, sandbox):
    campaign = deployed(google_account(alice, sandbox))

    assert deploy(campaign) is None  # no longer DEPLOYING
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DEPLOYING)
    assert deploy(campaign) == "active"
    assert len(created(sandbox, "campaigns")) == 1
    assert len(created(sandbox, "adGroupAds")) == 2
