"""An Adobe launch goes out through the Adobe create calls: campaign (paused), ad
groups with their keywords, creatives, the campaign active last and ACTIVE in Spectra."""

import pytest

from campaigns.models import Ad, AdGroup
from tests.executors.deploy.conftest import adobe_account, created, deployed

pytestmark = pytest.mark.django_db


def test_an_adobe_launch_is_active_with_every_object_on_the_platform(alice, sandbox):
    campaign = deployed(adobe_account(alice, sandbox))

    [on_platform] = created(sandbox, "campaigns", "adobe")
    assert on_platform["name"] == "Winter socks" and on_platform["status"] == "active"
    assert campaign.external_id == on_platform["id"]
    groups = {g["name"]: g for g in created(sandbox, "adGroups", "adobe")}
    assert set(groups) == {"Wool socks", "Merino socks"}
    for group in AdGroup.objects.filter(campaign=campaign):
        assert group.external_id == groups[group.name]["id"]
        assert [k["text"] for k in groups[group.name]["keywords"]] == [
            f"wool socks {group.name.split()[0].lower()}",
            f"warm socks {group.name.split()[0].lower()}",
        ]
        assert groups[group.name]["negativeKeywords"] == [{"text": "free", "matchType": "BROAD"}]
    creatives = created(sandbox, "creatives", "adobe")
    assert len(creatives) == 2
    assert {c["id"] for c in creatives} == set(
        Ad.objects.filter(campaign=campaign).values_list("external_id", flat=True)
    )
