"""Step 1, strategy: ad groups by theme with starting bids, keywords, negatives and
audience suggestions. Done when the campaign has ad groups."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import AdGroup, Keyword, MatchType
from campaigns.money import minor_unit
from campaigns.services.history import save_with_history
from creative.fallbacks import fallback_strategy
from creative.launch.launch import Launch, still_generating
from creative.models import Purpose
from creative.schemas import Strategy
from creative.services.generate import generate

FALLBACK_FLAG = "strategy is a fallback"
# A starting bid is a guess the optimiser corrects; these bounds only stop a wild one:
# at least ten of the currency's smallest units, at most a tenth of the daily budget
# (ten clicks a day), and a fiftieth of it when the model gives nothing usable.
MIN_BID_UNITS = 10
MAX_BID_SHARE = Decimal("0.1")
DEFAULT_BID_SHARE = Decimal("0.02")
NEGATIVE_MATCH = MatchType.PHRASE  # the plan's negatives carry no match type


def bid_bounds(daily_budget: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    unit = minor_unit(currency)
    low = unit * MIN_BID_UNITS
    high = max(low, (daily_budget * MAX_BID_SHARE).quantize(unit, rounding=ROUND_HALF_UP))
    return low, high


def starting_bid(value: float, daily_budget: Decimal, currency: str) -> Decimal:
    """The model's bid in the account's currency, rounded to its unit and clamped."""
    low, high = bid_bounds(daily_budget, currency)
    bid = Decimal(str(value)).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    return min(max(bid, low), high)


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name[:250]} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def run(launch: Launch) -> None:
    """Plan the campaign unless it has its ad groups already."""
    campaign = launch.campaign
    if campaign.ad_groups.exists():
        return
    low, high = bid_bounds(campaign.daily_budget, launch.currency)
    default = (campaign.daily_budget * DEFAULT_BID_SHARE).quantize(minor_unit(launch.currency))
    variables = {**launch.variables(), "default_bid": str(min(max(default, low), high))}
    result = generate(
        organization_id=launch.organization_id,
        campaign_id=campaign.pk,
        purpose=Purpose.STRATEGY,
        prompt="strategy",
        variables=variables,
        fallback=fallback_strategy,
    )
    with transaction.atomic():
        if not still_generating(campaign) or campaign.ad_groups.exists():
            return
        _write(launch, result.value, prompt_version_id=result.prompt_version.pk)
        # The first step of an attempt: what an earlier, failed attempt learnt about
        # itself (its flags, a text-only verdict) does not carry over to this one.
        brief = launch.brief
        brief.audience_suggestions = list(result.value.audiences)
        brief.review_flags = [FALLBACK_FLAG] if result.needs_review else []
        brief.text_only = False
        save_with_history(
            brief,
            actor=system_user(),
            reason="Strategy generated" + (" from a fallback" if result.needs_review else ""),
            update_fields=["audience_suggestions", "review_flags", "text_only", "updated_at"],
        )


def _write(launch: Launch, strategy: Strategy, *, prompt_version_id: int) -> None:
    campaign, actor = launch.campaign, system_user()
    reason = "Strategy generated for the launch"
    taken: set[str] = set()
    plans = strategy.ad_groups
    # A negative every ad group wants is the campaign's; the rest stay with their group.
    shared = set.intersection(*({n.lower() for n in p.negative_keywords} for p in plans))
    seen: set[tuple] = set()

    def keyword(group, text: str, match: str, negative: bool) -> None:
        text = " ".join(text.lower().split())
        key = (group.pk if group else None, text, match, negative)
        if not text or key in seen:
            return
        seen.add(key)
        row = Keyword(
            campaign=campaign,
            ad_group=group,
            text=text,
            match_type=match,
            negative=negative,
            prompt_version_id=prompt_version_id,
        )
        save_with_history(row, actor=actor, reason=reason)

    for plan in plans:
        group = AdGroup(
            campaign=campaign,
            external_id="",
            name=_unique_name(plan.name, taken),
            bid=starting_bid(plan.starting_bid, campaign.daily_budget, launch.currency),
        )
        save_with_history(group, actor=actor, reason=reason)
        for kw in plan.keywords:
            keyword(group, kw.text, kw.match_type, False)
        for text in plan.negative_keywords:
            if text.lower() not in shared:
                keyword(group, text, NEGATIVE_MATCH, True)
    for text in sorted(shared):
        keyword(None, text, NEGATIVE_MATCH, True)
