"""What every step reads: the campaign being launched, its brief and brand rules."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import Brief, Campaign, CampaignStatus
from campaigns.services.history import save_with_history
from creative.models import BrandRules
from creative.safety import Rules, rules_of


@dataclass
class Launch:
    campaign: Campaign
    brief: Brief

    @property
    def organization_id(self) -> int:
        return self.campaign.account.organization_id

    @property
    def currency(self) -> str:
        return self.campaign.account.currency

    @cached_property
    def rules(self) -> Rules:
        """The organization's brand rules with this launch's notes, read once per step."""
        brand = BrandRules.objects.filter(organization_id=self.organization_id).first()
        rules = rules_of(brand)
        if self.brief.brand_notes.strip():
            # The launch's own notes go to the judge with the organization's tone.
            tone = "; ".join(part for part in (rules.tone, self.brief.brand_notes.strip()) if part)
            rules = replace(rules, tone=tone)
        return rules

    def variables(self) -> dict[str, str]:
        """The brief as the prompts' variables (strategy and ad-copy)."""
        b = self.brief
        brief_text = "\n".join(
            line
            for line in (
                f"Product: {b.product}",
                f"Prices: {b.prices}" if b.prices else "",
                f"Locations: {', '.join(b.locations)}" if b.locations else "",
                f"Languages: {', '.join(b.languages)}" if b.languages else "",
                f"Audience: {b.audience_notes}" if b.audience_notes else "",
                f"Brand rules: {b.brand_notes}" if b.brand_notes else "",
            )
            if line
        )
        return {
            "objective": b.get_objective_display(),
            "product": b.product,
            "landing_url": b.landing_url,
            "selling_points": "\n".join(b.selling_points),
            "audience": b.audience_notes or "none given",
            "brief": brief_text,
        }


def launch_of(campaign_id: int) -> Launch | None:
    """The launch, or None when the campaign is no longer generating its assets."""
    campaign = Campaign.objects.select_related("account", "brief").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.GENERATING_ASSETS:
        return None
    return Launch(campaign=campaign, brief=campaign.brief)


def still_generating(campaign: Campaign) -> bool:
    """Inside a step's transaction: the campaign, locked, is still generating."""
    status = (
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("status", flat=True)
    )
    return status.first() == CampaignStatus.GENERATING_ASSETS


def add_flag(brief: Brief, flag: str, *, reason: str) -> None:
    """Keep a reason for review on the brief; the safety step hands them all over."""
    with transaction.atomic():
        current = Brief.objects.select_for_update().get(pk=brief.pk)
        if flag in current.review_flags:
            return
        current.review_flags = [*current.review_flags, flag]
        save_with_history(current, actor=system_user(), reason=reason)
        brief.review_flags = current.review_flags
