"""What a launch puts on the platform, read from Spectra's rows (pure after the read)."""

from dataclasses import dataclass, field

from campaigns.models import Ad, AdGroup, AssetKind, Campaign, Keyword
from campaigns.platform_limits import structure_problems


@dataclass
class GroupPlan:
    row: AdGroup
    keywords: list[Keyword] = field(default_factory=list)  # positive and negative
    ad: Ad | None = None
    headlines: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


@dataclass
class Plan:
    campaign: Campaign
    landing_url: str
    groups: list[GroupPlan]
    negatives: list[Keyword]  # campaign-level negative keywords

    @property
    def budget_name(self) -> str:
        # The name Spectra gives the budget, found again by it after a crash.
        return f"{self.campaign.name} budget (Spectra #{self.campaign.pk})"

    @property
    def size(self) -> int:
        """Objects to create (the day's quota is charged for each)."""
        groups = sum(1 + len(g.keywords) + (g.ad is not None) for g in self.groups)
        return 2 + groups + len(self.negatives)

    def counts(self, existing_campaigns: int) -> dict:
        """The structure as `platform_limits.structure_problems` reads it."""
        return {
            "existing_campaigns": existing_campaigns,
            "ad_groups": len(self.groups),
            "keywords_by_ad_group": {g.row.name: len(g.keywords) for g in self.groups},
            "ads_by_ad_group": {g.row.name: int(g.ad is not None) for g in self.groups},
            "headlines": {g.row.name: g.headlines for g in self.groups if g.ad},
            "descriptions": {g.row.name: g.descriptions for g in self.groups if g.ad},
            "keywords": [k.text for g in self.groups for k in g.keywords]
            + [k.text for k in self.negatives],
            "names": [self.campaign.name] + [g.row.name for g in self.groups],
        }


def read_plan(campaign: Campaign) -> Plan:
    """The launch's ad groups, keywords, negatives and each ad's deployable copy."""
    groups = {g.pk: GroupPlan(g) for g in campaign.ad_groups.order_by("pk")}
    negatives = []
    for keyword in Keyword.objects.filter(campaign=campaign).order_by("pk"):
        if keyword.ad_group_id is None:
            negatives.append(keyword)
        elif keyword.ad_group_id in groups:
            groups[keyword.ad_group_id].keywords.append(keyword)
    for ad in Ad.objects.filter(campaign=campaign).prefetch_related("assets").order_by("pk"):
        group = groups.get(ad.ad_group_id)
        if group is None or group.ad is not None:
            continue
        group.ad = ad
        assets = sorted((a for a in ad.assets.all() if a.deployable), key=lambda a: a.position)
        group.headlines = [a.text for a in assets if a.kind == AssetKind.HEADLINE]
        group.descriptions = [a.text for a in assets if a.kind == AssetKind.DESCRIPTION]
    brief = getattr(campaign, "brief", None)
    landing = brief.landing_url if brief is not None else ""
    return Plan(campaign, landing, list(groups.values()), negatives)


def plan_problems(plan: Plan, platform: str, existing_campaigns: int) -> list[str]:
    return structure_problems(platform, plan.counts(existing_campaigns))
