"""A person proposes a change (budget or bid), judged by the same guardrails as the optimiser's."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.guardrails import (
    ALLOW,
    SIGNIFICANT_KINDS,
    Verdict,
    check_bid,
    check_budget,
    check_cooldown,
    limits_of,
    risk_of,
)
from campaigns.models import (
    AdGroup,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.selectors import policy_for_account
from campaigns.services.errors import GuardrailRefused, ServiceError
from campaigns.services.recommendations import recommendations_create_bulk

K = RecommendationKind
CHANGEABLE = (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING, CampaignStatus.PAUSED)


def _check_no_change_on_its_way(campaign: Campaign) -> Verdict:
    """A significant change approved but not yet executed will start the cooldown: a
    second one for the same campaign would be refused at execution anyway."""
    pending = (
        Recommendation.objects.filter(
            campaign=campaign,
            kind__in=SIGNIFICANT_KINDS,
            status__in=[RecommendationStatus.APPROVED, RecommendationStatus.EXECUTING],
        )
        .order_by("pk")
        .first()
    )
    if pending is None:
        return ALLOW
    return Verdict(
        False,
        "cooldown",
        f"recommendation #{pending.pk} ({pending.get_kind_display().lower()}) is approved for "
        "this campaign and starts its cooldown when it executes; one significant change per "
        "campaign per cooldown",
    )


def recommendation_propose(
    *,
    actor,
    kind: str,
    proposed_value: Decimal,
    reason: str,
    campaign: Campaign | None = None,
    ad_group: AdGroup | None = None,
) -> Recommendation:
    """Propose a budget (campaign) or bid (ad group) change for a person to approve.

    The guardrails of the account's policy are checked now, as for the
    optimiser's proposals, and again by the executor; a refusal raises
    GuardrailRefused naming the rule. The proposal always needs an approval.
    """
    if not reason.strip():
        raise ServiceError("Say why: a proposal needs a reason a reviewer can check.")
    if kind == K.BUDGET:
        if campaign is None or ad_group is not None:
            raise ServiceError("A budget change names a campaign and no ad group.")
    elif kind == K.BID:
        if ad_group is None:
            raise ServiceError("A bid change names an ad group.")
        if campaign is not None and campaign.pk != ad_group.campaign_id:
            raise ServiceError("That ad group belongs to another campaign.")
        campaign = ad_group.campaign
    else:
        raise ServiceError("A person may propose budget and bid changes; use pause/resume instead.")
    authorize(actor, "campaigns.change_campaign", campaign)
    # The stored row decides (its cooldown, its state), not the copy given.
    campaign = Campaign.objects.select_related("account").get(pk=campaign.pk)
    if campaign.status not in CHANGEABLE:
        raise ServiceError(
            f"Campaign '{campaign}' is {campaign.get_status_display().lower()}; "
            "only a running or paused campaign takes changes."
        )
    account = campaign.account
    policy = policy_for_account(account)
    limits = limits_of(policy)
    now = timezone.now()
    if kind == K.BUDGET:
        current = campaign.daily_budget
        verdict = check_budget(
            current=current,
            proposed=proposed_value,
            limits=limits,
            max_daily_spend=campaign.max_daily_spend,
            currency=account.currency,
        )
    else:
        current = ad_group.bid
        verdict = check_bid(current=current, proposed=proposed_value, limits=limits)
    if verdict.ok:
        verdict = check_cooldown(campaign.last_significant_change_at, now=now, limits=limits)
    if verdict.ok:
        verdict = _check_no_change_on_its_way(campaign)
    if not verdict.ok:
        raise GuardrailRefused(f"Refused by {verdict.rule}: {verdict.detail}.", rule=verdict.rule)
    change_pct = (proposed_value - current) / current * 100 if current else None
    proposal = Recommendation(
        account=account,
        campaign=campaign,
        ad_group=ad_group,
        kind=kind,
        source=Source.PERSON,
        current_value=current,
        proposed_value=proposed_value,
        reason=reason.strip(),
        risk=risk_of(kind, change_pct, limits),
        policy_version=limits.version,
        requires_approval=True,
        expires_at=now + timedelta(hours=limits.recommendation_ttl_hours),
    )
    with transaction.atomic():
        [created] = recommendations_create_bulk(
            recommendations=[proposal], actor=actor, reason=f"Proposed by {actor}: {reason}"
        )
    return created
