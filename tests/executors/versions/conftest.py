"""A campaign launched on the sandbox's Google Ads (over HTTP), the version it had
at launch, and a person's edits of its copy and keywords written through the pipeline."""

from dataclasses import replace

import pytest

from campaigns.actors import system_user
from campaigns.models import (
    AdGroup,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.services.recommendations import recommendations_create_bulk
from campaigns.versions import campaign_now
from executors.clients import google_ads
from executors.deploy import deploy_campaign
from executors.pipeline import execute_approved
from tests.executors.deploy.conftest import HEADLINES, created, google_account, make_launch

K = RecommendationKind


@pytest.fixture(autouse=True)
def _fresh_tokens():
    google_ads.forget_cached_tokens()
    yield
    google_ads.forget_cached_tokens()


def launched(tenant, sandbox, *, account=None, **kw):
    """A launch deployed on the sandbox (Google Ads unless `account` says otherwise),
    ACTIVE, and the history id of its launch version."""
    campaign = make_launch(account or google_account(tenant, sandbox), **kw)
    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"
    campaign.refresh_from_db()
    version = campaign.history.order_by("-history_date", "-history_id").first()
    return campaign, version.history_id


def _person_change(campaign, actor, *, kind, ad_group, structure, reason):
    rec = Recommendation(
        account=campaign.account,
        campaign=campaign,
        ad_group=ad_group,
        kind=kind,
        structure=structure,
        source=Source.PERSON,
        reason=reason,
        decided_by=actor,
        status=RecommendationStatus.APPROVED,
    )
    [created_rec] = recommendations_create_bulk(recommendations=[rec], actor=actor, reason=reason)
    return created_rec


def add_keyword(campaign, actor, group_name: str, text: str, match: str = "PHRASE"):
    group = AdGroup.objects.get(campaign=campaign, name=group_name)
    structure = {"ad_group": group.pk, "text": text, "match_type": match, "negative": False}
    return _person_change(
        campaign,
        actor,
        kind=K.KEYWORD_ADD,
        ad_group=group,
        structure=structure,
        reason="More reach",
    )


def pause_ad_group(campaign, actor, group_name: str):
    group = AdGroup.objects.get(campaign=campaign, name=group_name)
    return _person_change(
        campaign, actor, kind=K.AD_GROUP_PAUSE, ad_group=group, structure=None, reason="Too dear"
    )


def edit_headline(campaign, actor, group_name: str, old: str, new: str):
    """A person's new headline: the ad's copy replaced (on Google, a new RSA)."""
    group = AdGroup.objects.get(campaign=campaign, name=group_name)
    now = campaign_now(campaign)
    [ad] = [a for a in now.ads.values() if a.ad_group_id == group.pk]
    assets = [replace(a, text=new) if a.text == old else a for a in ad.assets]
    edited = replace(ad, assets=tuple(assets))
    url, headlines, descriptions = edited.copy
    structure = {
        "ad": ad.id,
        "final_url": url,
        "headlines": list(headlines),
        "descriptions": list(descriptions),
        "assets": [a.as_structure() for a in edited.assets],
        "was": [a.as_structure() for a in ad.assets],
        "was_copy": [ad.copy[0], list(ad.copy[1]), list(ad.copy[2])],
    }
    return _person_change(
        campaign, actor, kind=K.AD_REPLACE, ad_group=group, structure=structure, reason="New offer"
    )


def run_worker(account):
    return execute_approved(account=account)


def live_keywords(sandbox, campaign) -> list[str]:
    """The keyword texts the platform serves for the campaign (removed ones left out)."""
    rn = f"customers/{campaign.account.external_id}/campaigns/{campaign.external_id}"
    return sorted(
        k["text"]
        for k in created(sandbox, "adGroupCriteria")
        if k["campaign"] == rn and k["status"] != "REMOVED"
    )


def live_ads(sandbox, campaign) -> list[dict]:
    rn = f"customers/{campaign.account.external_id}/campaigns/{campaign.external_id}"
    return [
        a
        for a in created(sandbox, "adGroupAds")
        if a["campaign"] == rn and a["status"] != "REMOVED"
    ]


def edited_launch(tenant, sandbox):
    """A launch whose first headline of 'Wool socks' a person changed and to which they
    added a keyword, both executed on the platform; (campaign, launch version id,
    the launch's keywords on the platform)."""
    campaign, launch = launched(tenant, sandbox)
    original_keywords = live_keywords(sandbox, campaign)
    edit = edit_headline(campaign, tenant.approver, "Wool socks", HEADLINES[0], "Socks half price")
    extra = add_keyword(campaign, tenant.approver, "Wool socks", "cheap wool socks")
    run_worker(campaign.account)
    for rec in (edit, extra):
        rec.refresh_from_db()
        assert rec.status == RecommendationStatus.EXECUTED, rec.outcome_detail
    assert "cheap wool socks" in live_keywords(sandbox, campaign)
    return campaign, launch, original_keywords
