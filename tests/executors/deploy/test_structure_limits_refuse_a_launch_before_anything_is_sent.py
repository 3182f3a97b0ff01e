"""A launch over the platform's documented limits fails with the reason before any
request is sent; the limits themselves are one table (campaigns.platform_limits)."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Brief, CampaignStatus
from campaigns.platform_limits import structure_problems
from executors.deploy import deploy_campaign
from executors.models import DeployLog
from tests.executors.deploy.conftest import (
    DESCRIPTIONS,
    HEADLINES,
    google_account,
    make_launch,
    platform_writes,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headlines", "words"),
    [
        ([*HEADLINES, "A headline well over thirty chars"], "33 characters"),
        ([f"Headline {n}" for n in range(16)], "16 headlines"),
    ],
)
def test_a_launch_over_the_limits_fails_and_nothing_is_sent(alice, sandbox, headlines, words):
    campaign = make_launch(google_account(alice, sandbox), headlines=headlines)

    assert deploy_campaign(campaign.pk, actor=system_user()) == "failed"

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
    assert words in Brief.objects.get(campaign=campaign).failure_reason
    assert platform_writes(sandbox) == []
    assert not DeployLog.objects.filter(action__startswith="google.").exists()


def test_the_table_holds_googles_counts():
    fits = {"existing_campaigns": 9_998, "ads_by_ad_group": {"Socks": 3}}
    assert structure_problems("google_ads", fits) == []
    assert structure_problems("google_ads", {"existing_campaigns": 10_000}) == [
        "Campaigns: 10001, the platform allows 10000."
    ]
    assert structure_problems("google_ads", {"ads_by_ad_group": {"Socks": 4}}) == [
        "Enabled ads in Socks: 4, the platform allows 3."
    ]
    assert structure_problems("google_ads", {"ad_groups": 20_001}) != []
    assert structure_problems("google_ads", {"keywords_by_ad_group": {"S": 20_001}}) != []
    assert structure_problems("google_ads", {"descriptions": {"S": DESCRIPTIONS[:1]}}) == [
        "S: 1 descriptions; the platform takes 2–4."
    ]
    assert structure_problems("adobe", {"existing_campaigns": 50_000}) == []
