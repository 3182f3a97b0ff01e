"""The way back: rollbacks are new, pre-approved recommendations (promise 3).

They run through the executor like any other change — claimed once, guarded,
written with their own idempotency key, logged — so an undo is as audited as
the change it undoes. simple-history's own revert is disabled for that reason.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.change_kinds import KINDS, inverse_structure
from campaigns.models import (
    AdGroup,
    AdGroupStatus,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
    Source,
)
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.recommendations import recommendations_create_bulk
from campaigns.versions import BEFORE_LAUNCH, CampaignVersion, campaign_now, campaign_version

K = RecommendationKind


def _approved(actor, now, **fields) -> Recommendation:
    """A rollback born approved by the person who asked for it (state set at creation;
    the FSM protects it from later assignment, not from construction)."""
    return Recommendation(
        source=Source.ROLLBACK,
        requires_approval=True,
        risk=Risk.MEDIUM,
        decided_by=actor,
        decided_at=now,
        status=RecommendationStatus.APPROVED,
        **fields,
    )


def recommendation_rollback(
    *, recommendation: Recommendation, actor, note: str = ""
) -> Recommendation:
    """Create the inverse of an EXECUTED change, approved by `actor`, for the executor."""
    authorize(actor, "campaigns.rollback_recommendation", recommendation)
    original = Recommendation.objects.select_related("campaign", "ad_group", "audience").get(
        pk=recommendation.pk
    )
    if original.status != RecommendationStatus.EXECUTED:
        raise TransitionRefused(
            f"Only an executed change can be rolled back; this one is "
            f"{original.get_status_display().lower()}.",
            current=original.status,
        )
    if original.rollbacks.exclude(
        status__in=[RecommendationStatus.FAILED, RecommendationStatus.BLOCKED]
    ).exists():
        raise ServiceError("A rollback of this change already exists.")
    now = timezone.now()
    rollback = _approved(
        actor,
        now,
        account=original.account,
        campaign=original.campaign,
        ad_group=original.ad_group,
        audience=original.audience,
        kind=KINDS[original.kind].inverse,
        current_value=original.proposed_value,
        proposed_value=original.current_value,
        structure=inverse_structure(original),
        rollback_of=original,
        policy_version=original.policy_version,
        reason=f"Roll back recommendation #{original.pk}"
        + (f": {note}" if note else "")
        + f" (it was: {original.reason[:300]})",
        decision_note=note,
    )
    with transaction.atomic():
        [created] = recommendations_create_bulk(
            recommendations=[rollback],
            actor=actor,
            reason=f"Rollback of #{original.pk} requested{': ' + note if note else ''}",
        )
    return created


def campaign_rollback_to_version(
    *, campaign: Campaign, history_id: int, actor, note: str = ""
) -> list[Recommendation]:
    """Pre-approved changes that restore a campaign's version: budget, status, bids,
    ad groups' status, keywords and ad copy.

    The version is a simple-history record of the campaign; the ad groups, keywords
    and the ads' assets are those in effect at that moment (campaigns.versions). A
    version from before the launch reached the platform is refused. Nothing changes
    if the campaign already matches the version.
    """
    authorize(actor, "campaigns.rollback_recommendation", campaign)
    version = campaign.history.filter(history_id=history_id).first()
    if version is None:
        raise ServiceError(f"Campaign '{campaign}' has no version #{history_id}.")
    current = Campaign.objects.get(pk=campaign.pk)
    now = timezone.now()
    label = f"version of {version.history_date:%Y-%m-%d %H:%M} UTC"
    if version.status in BEFORE_LAUNCH:
        raise ServiceError(
            f"The {label} is from before the campaign was launched "
            f"({version.get_status_display().lower()}): the platform has nothing of it to "
            "go back to. Roll back to a version since its launch."
        )
    reason = f"Restore {label}" + (f": {note}" if note else "")
    recs = []
    common = {"account": current.account, "campaign": current, "decision_note": note}
    since = Recommendation.objects.filter(
        campaign=current,
        status=RecommendationStatus.EXECUTED,
        executed_at__gt=version.history_date,
    ).order_by("executed_at", "pk")

    def undoing(changes) -> dict:
        # The executed changes this restore undoes: each is marked ROLLED_BACK when the
        # restore executes, as a single rollback marks its original (they used to stay
        # EXECUTED, as if the version's settings had never been changed).
        ids = list(changes.values_list("pk", flat=True))
        return {"rollback_of_id": ids[-1], "evidence": {"rolls_back": ids}} if ids else {}

    if version.daily_budget != current.daily_budget:
        recs.append(
            _approved(
                actor,
                now,
                kind=K.BUDGET,
                current_value=current.daily_budget,
                proposed_value=version.daily_budget,
                reason=f"{reason} — budget back to {version.daily_budget}",
                **common,
                **undoing(since.filter(kind=K.BUDGET)),
            )
        )
    was_running = version.status in (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING)
    statuses = undoing(since.filter(kind__in=[K.PAUSE, K.RESUME]))
    if was_running and current.status == CampaignStatus.PAUSED:
        recs.append(
            _approved(actor, now, kind=K.RESUME, reason=f"{reason} — resume", **common, **statuses)
        )
    elif version.status == CampaignStatus.PAUSED and current.status in (
        CampaignStatus.ACTIVE,
        CampaignStatus.OPTIMIZING,
    ):
        recs.append(
            _approved(actor, now, kind=K.PAUSE, reason=f"{reason} — pause", **common, **statuses)
        )
    for ad_group in AdGroup.objects.filter(campaign=current):
        then = (
            ad_group.history.filter(history_date__lte=version.history_date)
            .order_by("-history_date")
            .first()
        )
        if then is not None and then.bid != ad_group.bid:
            recs.append(
                _approved(
                    actor,
                    now,
                    kind=K.BID,
                    ad_group=ad_group,
                    current_value=ad_group.bid,
                    proposed_value=then.bid,
                    reason=f"{reason} — bid of {ad_group} back to {then.bid}",
                    **common,
                    **undoing(since.filter(kind=K.BID, ad_group=ad_group)),
                )
            )
    then = campaign_version(current, version.history_date)
    if then is not None:
        for fields in structure_restores(then, campaign_now(current)):
            what = fields.pop("what")
            changes = since.filter(ad_group_id=fields["ad_group_id"])
            if fields["kind"] == K.AD_REPLACE:
                changes = changes.filter(kind=K.AD_REPLACE)
            elif fields["structure"] is None:  # an ad group's status
                changes = changes.filter(kind__in=[K.AD_GROUP_PAUSE, K.AD_GROUP_RESUME])
            else:
                changes = changes.filter(
                    kind__in=[K.KEYWORD_ADD, K.KEYWORD_REMOVE, K.NEGATIVE_KEYWORD],
                    structure__text=fields["structure"]["text"],
                )
            recs.append(
                _approved(
                    actor, now, reason=f"{reason} — {what}", **fields, **common, **undoing(changes)
                )
            )
    if not recs:
        raise ServiceError(f"Campaign '{current}' already matches the {label}.")
    return recommendations_create_bulk(
        recommendations=recs, actor=actor, reason=f"Rollback to the {label} requested"
    )


def structure_restores(then: CampaignVersion, now: CampaignVersion) -> list[dict]:
    """The ad-group status, keyword and ad-copy changes that take the campaign from `now`
    back to `then`, as Recommendation fields (plus "what": the change in words).
    Removals go first: a keyword added since is taken away before the version's own
    ones return."""
    groups = {**then.ad_groups, **now.ad_groups}
    out = []
    for key in sorted(now.keywords.keys() - then.keywords.keys(), key=str):
        k = now.keywords[key]
        out.append(
            {
                "kind": K.KEYWORD_REMOVE,
                "ad_group_id": k.ad_group_id,
                "structure": k.as_structure(),
                "what": f"remove keyword ‘{k.text}’ [{k.match_type}]",
            }
        )
    for key in sorted(then.keywords.keys() - now.keywords.keys(), key=str):
        k = then.keywords[key]
        if k.ad_group_id is not None and k.ad_group_id not in now.ad_groups:
            continue  # its ad group is gone: nothing to put it in
        out.append(
            {
                "kind": K.KEYWORD_ADD,
                "ad_group_id": k.ad_group_id,
                "structure": k.as_structure(),
                "what": f"add keyword ‘{k.text}’ [{k.match_type}] back",
            }
        )
    for gid, was in then.ad_groups.items():
        group = now.ad_groups.get(gid)
        if group is None or group.status == was.status:
            continue
        pause = was.status == AdGroupStatus.PAUSED
        out.append(
            {
                "kind": K.AD_GROUP_PAUSE if pause else K.AD_GROUP_RESUME,
                "ad_group_id": gid,
                "structure": None,
                "what": f"{'pause' if pause else 'resume'} ad group ‘{group.name}’",
            }
        )
    for ad_id, was in then.ads.items():
        ad = now.ads.get(ad_id)
        if ad is None or ad.copy == was.copy or ad.ad_group_id not in groups:
            continue
        url, headlines, descriptions = was.copy
        out.append(
            {
                "kind": K.AD_REPLACE,
                "ad_group_id": ad.ad_group_id,
                "structure": {
                    "ad": ad_id,
                    "final_url": url,
                    "headlines": list(headlines),
                    "descriptions": list(descriptions),
                    "assets": [a.as_structure() for a in was.assets],
                    "was": [a.as_structure() for a in ad.assets],
                    "was_copy": [ad.copy[0], list(ad.copy[1]), list(ad.copy[2])],
                },
                "what": f"ad copy of ‘{groups[ad.ad_group_id].name}’ back to the version's",
            }
        )
    return out
