"""Proposed changes on the sandbox account, waiting for a person's decision."""

from decimal import Decimal

from campaigns.models import Campaign, Recommendation, RecommendationKind


def propose_budget(account, external_id: str, factor: str = "1.20") -> Recommendation:
    """A PROPOSED budget change of `factor` on the campaign with this platform id."""
    campaign = Campaign.objects.get(account=account, external_id=external_id)
    return Recommendation.objects.create(
        account=account,
        campaign=campaign,
        kind=RecommendationKind.BUDGET,
        current_value=campaign.daily_budget,
        proposed_value=(campaign.daily_budget * Decimal(factor)).quantize(Decimal("0.01")),
        reason="Marginal ROAS 3.1 against 1.9 at the portfolio's margin.",
    )
