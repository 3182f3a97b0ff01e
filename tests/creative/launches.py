"""A launch in GENERATING_ASSETS for the step tests, and a way to run its chain."""

from decimal import Decimal

from campaigns.models import Brief, CampaignStatus
from creative.launch.steps import run_step
from tests.factories import make_account, make_campaign


def make_launch(tenant, *, platform="google_ads", **brief):
    account = make_account(tenant.org, platform=platform, currency="GBP", time_zone="Europe/London")
    campaign = make_campaign(
        account,
        status=CampaignStatus.GENERATING_ASSETS,
        external_id="",
        name="Autumn trail launch",
        daily_budget=Decimal("200.00"),
    )
    Brief.objects.create(
        campaign=campaign,
        objective="conversions",
        start_date="2027-01-01",
        locations=["GB"],
        languages=["en"],
        product=brief.pop("product", "Trailblazer GTX"),
        landing_url="https://example.com/trailblazer",
        selling_points=["waterproof uppers", "free returns", "30-day trial"],
        audience_notes="autumn hikers",
        **brief,
    )
    return campaign


def run_chain(campaign, start="strategy") -> list[str]:
    """Run the steps as the task layer would; the steps that ran."""
    ran, step = [], start
    while step is not None:
        ran.append(step)
        step = run_step(campaign.pk, step)
    return ran


def planned_launch(tenant, *, groups=("Trail shoes",), **kw):
    """A launch whose strategy is done (ad groups and keywords exist): the later steps'
    tests start here and stay short."""
    from campaigns.models import AdGroup, Keyword

    campaign = make_launch(tenant, **kw)
    for name in groups:
        group = AdGroup.objects.create(
            campaign=campaign, external_id="", name=name, bid=Decimal("1.20")
        )
        Keyword.objects.create(
            campaign=campaign, ad_group=group, text=name.lower(), match_type="PHRASE"
        )
    return campaign


def ai_calls(campaign) -> int:
    from creative.models import AICall

    return AICall.objects.filter(campaign=campaign).count()


def rows(campaign) -> dict:
    """Every row a launch's generation writes, by table, as comparable tuples."""
    from campaigns.models import Ad, AdGroup, Asset, Keyword

    return {
        "groups": sorted(
            AdGroup.objects.filter(campaign=campaign).values_list("pk", "name", "bid")
        ),
        "keywords": sorted(
            Keyword.objects.filter(campaign=campaign).values_list(
                "pk", "ad_group_id", "text", "match_type", "negative"
            )
        ),
        "ads": sorted(
            Ad.objects.filter(campaign=campaign).values_list("pk", "ad_group_id", "kind")
        ),
        "assets": sorted(
            Asset.objects.filter(campaign=campaign).values_list(
                "pk", "ad_id", "kind", "position", "text", "image_url", "verdict"
            )
        ),
    }


def reviewed_launch(tenant):
    """A launch waiting in review: three safe headlines, an uncertain and an unsafe one,
    two safe descriptions, an uncertain image."""
    from campaigns.models import Ad, AdGroup, Asset, Verdict

    campaign = make_launch(tenant)
    campaign.__class__.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.PENDING_DEPLOYMENT
    )
    campaign.refresh_from_db()
    group = AdGroup.objects.create(
        campaign=campaign, external_id="", name="Trail shoes", bid=Decimal("1.20")
    )
    ad = Ad.objects.create(
        campaign=campaign, ad_group=group, kind="rsa", final_url="https://example.com/trailblazer"
    )
    rows = [
        ("headline", "Shop Trailblazer GTX", Verdict.SAFE),
        ("headline", "Waterproof trail shoes", Verdict.SAFE),
        ("headline", "Free returns on shoes", Verdict.SAFE),
        ("headline", "The best trail shoe", Verdict.UNCERTAIN),
        ("headline", "Beats Acme Ads, GUARANTEED", Verdict.UNSAFE),
        ("description", "Waterproof uppers and free returns.", Verdict.SAFE),
        ("description", "Try them for 30 days.", Verdict.SAFE),
    ]
    positions = {}
    for kind, text, verdict in rows:
        position = positions[kind] = positions.get(kind, -1) + 1
        Asset.objects.create(
            campaign=campaign, ad=ad, kind=kind, position=position, text=text, verdict=verdict
        )
    Asset.objects.create(
        campaign=campaign,
        ad=ad,
        kind="image",
        image_url="/media/launch-images/none.png",
        verdict=Verdict.UNCERTAIN,
    )
    return campaign


def asset(campaign, text):
    from campaigns.models import Asset

    return Asset.objects.get(campaign=campaign, text=text)
