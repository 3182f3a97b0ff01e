"""Small builders for test data; every one takes overrides as keywords."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import (
    AdAccount,
    AdGroup,
    Audience,
    Campaign,
    CampaignStatus,
    Membership,
    Organization,
    Recommendation,
    RecommendationKind,
    Role,
)

_seq = itertools.count(1)


def make_org(name: str) -> Organization:
    return Organization.objects.create(name=name, slug=f"{name.lower().replace(' ', '-')}")


def make_user(username: str, org: Organization | None = None, role: str = Role.VIEWER, **kw):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-only", is_staff=True, **kw
    )
    if org is not None:
        Membership.objects.create(user=user, organization=org, role=role)
    return user


def make_account(org: Organization, **kw) -> AdAccount:
    n = next(_seq)
    defaults = dict(
        name=f"{org.name} account {n}",
        platform="adobe",
        external_id=f"ACC-{n}",
        api_base_url="http://127.0.0.1:9/",
        currency="INR",
        time_zone="Asia/Kolkata",
    )
    return AdAccount.objects.create(organization=org, **(defaults | kw))


def make_campaign(account: AdAccount, status: str = CampaignStatus.ACTIVE, **kw) -> Campaign:
    n = next(_seq)
    defaults = dict(external_id=f"CMP-{n}", name=f"Campaign {n}", daily_budget=Decimal("5000.00"))
    return Campaign.objects.create(account=account, status=status, **(defaults | kw))


def brief_fields(account: AdAccount, **changes) -> dict:
    """A good brief for `account` as a person types it (the form and the API take it):
    starting in a week, on the account's own calendar; lists as text."""
    from datetime import timedelta

    from campaigns.account_time import account_today

    start = account_today(account) + timedelta(days=7)
    return {
        "name": "Winter socks launch",
        "objective": "conversions",
        "target_cpa": "450",
        "daily_budget": "5000",
        "total_budget": "150000",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=30)).isoformat(),
        "locations": "IN, Mumbai",
        "languages": "en",
        "product": "Merino wool socks",
        "landing_url": "https://example.com/socks",
        "selling_points": "Warm in the cold\nFree returns",
        "prices": "₹799 a pair",
        "audience_notes": "Commuters and hikers",
        "brand_notes": "",
    } | changes


def make_launched_campaign(account: AdAccount, status: str = CampaignStatus.DRAFT, **kw):
    """A campaign launched from a brief, in `status`, not on the platform yet."""
    from campaigns.models import Brief

    campaign = make_campaign(account, status=status, external_id="", **kw)
    Brief.objects.create(
        campaign=campaign,
        objective="conversions",
        start_date="2027-01-01",
        locations=["IN"],
        languages=["en"],
        product="Merino wool socks",
        landing_url="https://example.com/socks",
        selling_points=["Warm"],
    )
    return campaign


def make_ad_group(campaign: Campaign, **kw) -> AdGroup:
    n = next(_seq)
    defaults = dict(
        external_id=f"AG-{n}", name=f"Ad group {n}", bid=Decimal("15.50"), quality_score=7
    )
    return AdGroup.objects.create(campaign=campaign, **(defaults | kw))


def make_audience(account: AdAccount, **kw) -> Audience:
    n = next(_seq)
    defaults = dict(
        external_id=f"SEG-{n}",
        name=f"Segment {n}",
        intent_score=Decimal("75"),
        fatigue_score=Decimal("20"),
        estimated_profiles=125000,
    )
    return Audience.objects.create(account=account, **(defaults | kw))


def make_recommendation(campaign: Campaign, **kw) -> Recommendation:
    defaults = dict(
        account=campaign.account,
        kind=RecommendationKind.BUDGET,
        current_value=campaign.daily_budget,
        proposed_value=campaign.daily_budget * Decimal("1.2"),
        reason="ROAS up 40 % week over week with 95 % confidence.",
    )
    return Recommendation.objects.create(campaign=campaign, **(defaults | kw))


def migrate(targets: list[tuple[str, str]] | None = None):
    """Migrate the test database to `targets` (default: every app's latest migration) and
    return the historical models as of there (for a data migration's test)."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def review_as_a_person(campaign: Campaign, actor) -> list[str]:
    """What a reviewer does with a launch in review: rejects what is unsafe, passes
    what is uncertain, approves the launch. Returns the problems left ([] = approved)."""
    from campaigns.models import AssetReview, Verdict
    from campaigns.services.launches import launch_approve, launch_problems
    from creative.services.assets import asset_approve, asset_reject

    for asset in campaign.assets.filter(review=AssetReview.PROPOSED):
        if asset.verdict == Verdict.UNSAFE:
            asset_reject(asset=asset, note="Breaks our brand rules.", actor=actor)
        elif asset.verdict == Verdict.UNCERTAIN:
            asset_approve(asset=asset, note="Checked: fine for us.", actor=actor)
    campaign.refresh_from_db()
    problems = launch_problems(campaign)
    if not problems:
        launch_approve(campaign=campaign, actor=actor, note="Reviewed")
    return problems


def make_daily_values(
    campaign: Campaign, days, *, value, spend=1000, impressions=10000, conversions=10
):
    """One ad group's daily metrics for `campaign` on each of `days`; `value`, `spend` and
    `conversions` may be numbers or callables of the day."""
    from django.utils import timezone

    from campaigns.models import DailyMetric

    ad_group = campaign.ad_groups.first() or make_ad_group(campaign)
    at = timezone.now()
    DailyMetric.objects.bulk_create(
        [
            DailyMetric(
                ad_group=ad_group,
                campaign=campaign,
                date=day,
                impressions=impressions,
                clicks=impressions // 20,
                conversions=Decimal(
                    str(round(conversions(day) if callable(conversions) else conversions, 2))
                ),
                conversion_value=Decimal(str(round(value(day) if callable(value) else value, 2))),
                spend=Decimal(str(round(spend(day) if callable(spend) else spend, 2))),
                synced_at=at,
            )
            for day in days
        ]
    )
