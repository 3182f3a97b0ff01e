"""Open proposals re-checked the moment a person changes what they rest on.

A person pins a campaign, caps its spend, pauses or archives it: a proposal made
before that must not stay "Proposed", be approved, and end "Blocked" at execution
an hour later. `proposals_recheck` runs, on the campaigns just changed, the rules
that depend only on Spectra's rows (not on the platform, the clock or the kill
switch, which the execution checks ask again anyway), and supersedes what no longer
holds, with the person's change as the reason — a reallocation as a whole, since
one stale leg makes its set stale.
"""

from campaigns.guardrails import ALLOW, Verdict, check_bid, check_budget, limits_of
from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationKind
from campaigns.models import RecommendationStatus as R
from campaigns.selectors import policy_for_account
from campaigns.services.recommendations import recommendations_expire_bulk

K = RecommendationKind
# Changes an optimiser proposes to a running campaign's settings.
TUNING = (K.BUDGET, K.BID, K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS)
RUNNING = (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING)


def proposal_refusal(rec: Recommendation, campaign: Campaign, limits) -> Verdict:
    """Whether a proposal still holds against its campaign as it is now (pure)."""
    if rec.kind not in TUNING:
        return ALLOW
    if campaign.is_pinned:
        return Verdict(False, "pinned", f"'{campaign}' was pinned: Spectra leaves it as it is")
    if campaign.status not in RUNNING:
        return Verdict(
            False, "campaign_state", f"'{campaign}' is {campaign.get_status_display().lower()}"
        )
    if rec.kind == K.BUDGET:
        return check_budget(
            current=rec.current_value,
            proposed=rec.proposed_value,
            limits=limits,
            max_daily_spend=campaign.max_daily_spend,
            currency=rec.account.currency,
        )
    if rec.kind == K.BID:
        return check_bid(current=rec.current_value, proposed=rec.proposed_value, limits=limits)
    return ALLOW


def proposals_recheck(*, campaigns, actor, because: str, stopping: bool = False) -> int:
    """Supersede the PROPOSED changes of `campaigns` that no longer hold; how many.

    `because` says what the person did ("pinned by alice"); the reason kept on each
    superseded proposal is that and the rule it broke. `stopping`: the campaigns are
    being paused or archived, so no tuning proposal of theirs holds (the pause is
    asked of the platform first; the status moves when it confirms).
    """
    ids = [c.pk for c in campaigns]
    if not ids:
        return 0
    open_ = list(
        Recommendation.objects.filter(campaign_id__in=ids, status=R.PROPOSED, kind__in=TUNING)
        .select_related("account", "campaign")
        .order_by("pk")
    )
    limits_by_account = {}
    stale: dict[str, list[int]] = {}
    for rec in open_:
        if rec.account_id not in limits_by_account:
            limits_by_account[rec.account_id] = limits_of(policy_for_account(rec.account))
        verdict = (
            Verdict(False, "campaign_state", f"'{rec.campaign}' is being stopped")
            if stopping
            else proposal_refusal(rec, rec.campaign, limits_by_account[rec.account_id])
        )
        if not verdict.ok:
            why = f"Superseded: {because} ({verdict.rule}: {verdict.detail})"
            stale.setdefault(why, []).append(rec.pk)
    superseded = 0
    for reason, pks in stale.items():
        superseded += recommendations_expire_bulk(
            queryset=Recommendation.objects.filter(pk__in=pks),
            actor=actor,
            reason=reason[:500],
            detail=reason,
        )
    return superseded
