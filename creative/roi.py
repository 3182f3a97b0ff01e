"""What the AI is worth, per campaign: its cost beside the value of what it produced.

Two things the AI produces have a value Spectra can measure today:
- a **launch**: the campaign it generated earns conversion value from the day it was
  approved. That value is gross — what the launched campaign earned, not its lift over
  what a campaign written by a person would have earned; the experiments that measure
  lift are a separate tool, and this page says so rather than pretend.
- the **changes** accepted and executed on the campaign: the optimiser's expected
  change in daily conversion value, at the time it proposed them (an estimate, named
  as one).
AI cost is in US dollars (what providers bill); value is in the account's currency.
No exchange rate is invented: "value per AI dollar" is in the account's currency.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from campaigns.models import Brief, Campaign, DailyMetric, Recommendation, RecommendationStatus
from creative.models import AICall

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass
class CampaignValue:
    campaign_id: int
    name: str
    account: str
    currency: str
    ai_cost: Decimal = ZERO  # USD, every call billed to the campaign
    ai_calls: int = 0
    launched_on: object = None  # the day its launch was approved, if the AI launched it
    launch_value: Decimal = ZERO  # conversion value since then, account currency
    launch_spend: Decimal = ZERO
    changes_executed: int = 0
    changes_expected_daily: Decimal = ZERO  # the optimiser's estimate, account currency

    @property
    def value_per_ai_dollar(self) -> Decimal | None:
        """Conversion value since launch per US dollar of AI, in the account's currency."""
        if not self.launched_on or self.ai_cost <= 0:
            return None
        return (self.launch_value / self.ai_cost).quantize(CENT)


@dataclass
class OrganizationValue:
    campaigns: list[CampaignValue]
    unassigned_cost: Decimal  # AI calls of no campaign (prompt tests, summaries)

    @property
    def ai_cost(self) -> Decimal:
        return sum((c.ai_cost for c in self.campaigns), self.unassigned_cost)


def value_of(*, organization_id: int) -> OrganizationValue:
    """Every campaign of the organization the AI worked on, with cost and value (4 queries)."""
    calls = AICall.objects.filter(organization_id=organization_id)
    costs = {
        row["campaign"]: row
        for row in calls.values("campaign").annotate(cost=Sum("cost"), calls=Count("id"))
    }
    unassigned = costs.pop(None, {"cost": ZERO})["cost"] or ZERO
    campaigns = (
        Campaign.objects.filter(account__organization_id=organization_id)
        .filter(Q(pk__in=list(costs)) | Q(brief__isnull=False))
        .select_related("account", "brief")
        .order_by("account__name", "name")
    )
    rows, launched = [], {}
    for campaign in campaigns:
        cost = costs.get(campaign.pk, {})
        row = CampaignValue(
            campaign_id=campaign.pk,
            name=campaign.name,
            account=campaign.account.name,
            currency=campaign.account.currency,
            ai_cost=(cost.get("cost") or ZERO).quantize(Decimal("0.000001")),
            ai_calls=cost.get("calls", 0),
        )
        try:
            brief = campaign.brief
        except Brief.DoesNotExist:
            brief = None
        if brief is not None and brief.approved_at is not None:
            row.launched_on = brief.approved_at.date()
            launched[campaign.pk] = row
        rows.append(row)

    for metric in (
        DailyMetric.objects.filter(
            campaign_id__in=list(launched), date__gte=F("campaign__brief__approved_at__date")
        )
        .values("campaign_id")
        .annotate(value=Sum("conversion_value"), spend=Sum("spend"))
    ):
        row = launched[metric["campaign_id"]]
        row.launch_value, row.launch_spend = metric["value"] or ZERO, metric["spend"] or ZERO

    by_pk = {r.campaign_id: r for r in rows}
    for change in (
        Recommendation.objects.filter(
            campaign_id__in=list(by_pk), status=RecommendationStatus.EXECUTED
        )
        .values("campaign_id")
        .annotate(n=Count("id"), expected=Sum("expected_impact"))
    ):
        row = by_pk[change["campaign_id"]]
        row.changes_executed = change["n"]
        row.changes_expected_daily = change["expected"] or ZERO
    return OrganizationValue(campaigns=rows, unassigned_cost=unassigned)
