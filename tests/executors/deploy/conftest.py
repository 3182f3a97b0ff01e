"""Launch rows built directly (a campaign in DEPLOYING, approved safe assets) and
accounts on the sandbox's two platform shapes (the `sandbox` fixture, over HTTP)."""

from decimal import Decimal

import pytest
import requests

from campaigns.actors import system_user
from campaigns.models import (
    Ad,
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    Brief,
    Campaign,
    CampaignStatus,
    Keyword,
    Verdict,
)
from campaigns.services.accounts import account_set_credentials
from executors.clients import google_ads
from executors.deploy import deploy_campaign
from executors.sandbox.google_auth import GoogleAdsConfig
from executors.sandbox.launched import ADOBE_PATHS, GOOGLE_COLLECTIONS
from spectra.demo import SANDBOX_CREDENTIALS
from tests.factories import make_account, make_ad_group, make_campaign

# What one make_launch() (two ad groups, two keywords each, one negative, one ad each)
# puts on each platform: every object exactly once.
ONE_LAUNCH = {
    "google": {
        "campaignBudgets": 1,
        "campaigns": 1,
        "adGroups": 2,
        "adGroupCriteria": 4,
        "campaignCriteria": 1,
        "adGroupAds": 2,
    },
    "adobe": {"campaigns": 1, "adGroups": 2, "creatives": 2},
}
HEADLINES = ["Wool socks on sale", "Warm wool socks", "Merino socks", "Free delivery"]
DESCRIPTIONS = ["Soft merino wool socks for winter.", "Order today, delivered tomorrow."]


@pytest.fixture(autouse=True)
def _fresh_tokens():
    google_ads.forget_cached_tokens()
    yield
    google_ads.forget_cached_tokens()


def google_account(tenant, sandbox, **kw):
    config = GoogleAdsConfig()
    account = make_account(
        tenant.org,
        platform="google_ads",
        external_id=config.customer_id,
        api_base_url=sandbox.base_url + "/googleads/",
        execution_mode=kw.pop("execution_mode", "live"),
        **kw,
    )
    account_set_credentials(account=account, actor=system_user(), values=config.credentials())
    account.refresh_from_db()
    return account


def adobe_account(tenant, sandbox, **kw):
    kw.setdefault("execution_mode", "live")
    account = make_account(tenant.org, api_base_url=sandbox.base_url, **kw)
    account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)
    account.refresh_from_db()
    return account


def make_launch(
    account,
    *,
    name="Winter socks",
    groups=("Wool socks", "Merino socks"),
    headlines=HEADLINES,
    descriptions=DESCRIPTIONS,
    url="https://example.com/wool-socks",
    keywords=("wool socks", "warm socks"),
):
    """A campaign in DEPLOYING with ad groups, keywords, a negative and approved copy."""
    campaign = make_campaign(
        account,
        status=CampaignStatus.DEPLOYING,
        external_id="",
        name=name,
        daily_budget=Decimal("2500.00"),
    )
    Brief.objects.create(
        campaign=campaign,
        objective="conversions",
        start_date="2027-01-01",
        product="Wool socks",
        landing_url=url,
    )
    for group_name in groups:
        group = make_ad_group(campaign, external_id="", name=group_name, bid=Decimal("12.50"))
        for text in keywords:
            Keyword.objects.create(
                campaign=campaign,
                ad_group=group,
                text=f"{text} {group_name.split()[0].lower()}",
                match_type="PHRASE",
            )
        ad = Ad.objects.create(
            campaign=campaign, ad_group=group, kind=AdKind.RESPONSIVE_SEARCH, final_url=url
        )
        texts = [(AssetKind.HEADLINE, t) for t in headlines]
        texts += [(AssetKind.DESCRIPTION, t) for t in descriptions]
        for n, (kind, text) in enumerate(texts):
            Asset.objects.create(
                campaign=campaign,
                ad=ad,
                kind=kind,
                position=n,
                text=text,
                verdict=Verdict.SAFE,
                review=AssetReview.APPROVED,
            )
    Keyword.objects.create(campaign=campaign, text="free", match_type="BROAD", negative=True)
    return campaign


def set_faults(sandbox, **config) -> None:
    response = requests.post(f"{sandbox.base_url}/_sandbox/faults", json=config, timeout=10)
    assert response.status_code == 200, response.text


def platform_writes(sandbox) -> list[dict]:
    return requests.get(f"{sandbox.base_url}/_sandbox/writes", timeout=10).json()["writes"]


def created(sandbox, collection: str, platform: str = "google") -> list[dict]:
    """What the sandbox holds as created (read straight from its world)."""
    store = getattr(sandbox.app.world.launched, platform)
    return list(store[collection].values())


def created_counts(sandbox, platform: str = "google") -> dict[str, int]:
    """How many objects of every collection the sandbox holds as created."""
    collections = GOOGLE_COLLECTIONS if platform == "google" else ADOBE_PATHS.values()
    return {collection: len(created(sandbox, collection, platform)) for collection in collections}


def deploy(campaign) -> str | None:
    """One deployment attempt by the system, as the launch task makes it."""
    return deploy_campaign(campaign.pk, actor=system_user())


def assert_active(campaign) -> Campaign:
    """The campaign, read again, is ACTIVE in Spectra."""
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    return campaign


def deployed(account) -> Campaign:
    """A launch on `account`, deployed in one attempt and ACTIVE in Spectra."""
    campaign = make_launch(account)
    assert deploy(campaign) == "active"
    return assert_active(campaign)
