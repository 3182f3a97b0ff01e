"""The execution pipeline's state changes, in bulk forms a batch of one also uses.

Turns, campaign locks and claims are conditional UPDATEs marked with the batch's
token (a timestamp unique to one batch: the lease it holds them under), so racing
workers split the rows and never share one, on SQLite and PostgreSQL alike. The
finish (`recommendations_mark_executed_bulk`) brings Spectra's own rows in line
with the platform in the same transaction, with one history row per row changed,
whatever the batch size.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.change_kinds import kind_of
from campaigns.models import (
    AdGroup,
    Audience,
    AudienceStatus,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from campaigns.services.campaigns import campaign_transition
from campaigns.services.history import chunks, copy_to_history, save_with_history
from campaigns.services.learning_rate import campaigns_record_significant_changes
from campaigns.services.recommendations import (
    _fsm_edge,
    recommendation_mark_rolled_back,
    recommendations_move_bulk,
    rolled_back_by,
)
from campaigns.services.structure import (
    apply_ad_group_status,
    apply_ad_replace,
    apply_keyword_add,
    apply_keyword_remove,
)

K = RecommendationKind
R = RecommendationStatus
CS = CampaignStatus


def recommendations_take_turns(
    *,
    account,
    now: datetime,
    token: datetime,
    limit: int,
    ids: Iterable[int] | None = None,
    exclude: Iterable[int] = (),
) -> list[Recommendation]:
    """Mark up to `limit` due, free APPROVED changes of `account` with `token`, oldest
    decision first, and return them — at most one per campaign (the rest are given
    back at once and wait for the next round)."""
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    candidates = Recommendation.objects.filter(free, due, account=account, status=R.APPROVED)
    if ids is not None:
        candidates = candidates.filter(pk__in=list(ids))
    exclude = list(exclude)
    if exclude:
        candidates = candidates.exclude(pk__in=exclude)
    # One UPDATE over a subquery: a racing worker finds the rows taken, not half of them
    # (taking them in chunks let two workers split a batch and read its values twice).
    oldest = candidates.order_by("decided_at", "pk").values("pk")[:limit]
    Recommendation.objects.filter(free, pk__in=oldest, status=R.APPROVED).update(
        lease_expires_at=token
    )
    taken = list(
        Recommendation.objects.filter(account=account, status=R.APPROVED, lease_expires_at=token)
        .select_related("account", "campaign", "ad_group", "audience", "decided_by")
        .order_by("decided_at", "pk")
    )
    seen, first, later = set(), [], []
    for rec in taken:
        if rec.campaign_id is not None and rec.campaign_id in seen:
            later.append(rec.pk)
            continue
        seen.add(rec.campaign_id)
        first.append(rec)
    recommendations_give_back(ids=later, token=token)
    return first


def recommendations_give_back(*, ids: Iterable[int], token: datetime) -> None:
    """End the turns `token` holds on rows still APPROVED: free for the next round."""
    for chunk in chunks(list(ids)):
        Recommendation.objects.filter(
            pk__in=chunk, status=R.APPROVED, lease_expires_at=token
        ).update(lease_expires_at=None)


def campaigns_lock_for_changes(
    *, campaign_ids: Iterable[int], token: datetime, now: datetime
) -> dict[int, Campaign]:
    """ACTIVE → OPTIMIZING under `token`, in one conditional UPDATE; the campaigns locked.

    A lock whose lease ran out is taken over (its writer died), unless a change of
    that campaign is still in doubt (EXECUTING): recovery reads that one back first.
    The lock is held for seconds and leaves no history row of its own (nor does its
    release): the campaign's history gets one row per change, written at the finish.
    """
    ids = list(set(campaign_ids))
    if not ids:
        return {}
    in_doubt = Recommendation.objects.filter(status=R.EXECUTING).values("campaign_id")
    expired = Q(status=CS.OPTIMIZING, lock_expires_at__lt=now) & ~Q(pk__in=in_doubt)
    for chunk in chunks(ids):
        Campaign.objects.filter(Q(status=CS.ACTIVE) | expired, pk__in=chunk).update(
            status=CS.OPTIMIZING, lock_expires_at=token
        )
    return {
        c.pk: c
        for chunk in chunks(ids)
        for c in Campaign.objects.filter(pk__in=chunk, status=CS.OPTIMIZING, lock_expires_at=token)
    }


def campaigns_unlock_changes(*, campaign_ids: Iterable[int] | None = None, token) -> int:
    """Give back the locks `token` holds (of `campaign_ids`, or all of them), except
    where a change is in doubt (EXECUTING under the same token): that campaign stays
    locked until recovery has read the platform back."""
    locked = Campaign.objects.filter(status=CS.OPTIMIZING, lock_expires_at=token)
    if campaign_ids is not None:
        locked = locked.filter(pk__in=list(campaign_ids))
    in_doubt = Recommendation.objects.filter(status=R.EXECUTING, lease_expires_at=token).values(
        "campaign_id"
    )
    return locked.exclude(pk__in=in_doubt).update(status=CS.ACTIVE, lock_expires_at=None)


def recommendations_claim_bulk(
    *, recs: list[Recommendation], token: datetime, actor, reason: str = "Claimed for execution"
) -> list[Recommendation]:
    """APPROVED → EXECUTING in one conditional UPDATE, with history: only rows whose turn
    `token` still holds move, so no other worker can ever send them. The claim's lease
    is `token`, the campaign lock's too: recovery finds the change and its lock together.
    """
    if not recs:
        return []
    ids = [r.pk for r in recs]
    now = timezone.now()
    with transaction.atomic():
        for chunk in chunks(ids):
            Recommendation.objects.filter(
                pk__in=chunk, status=R.APPROVED, lease_expires_at=token
            ).update(status=R.EXECUTING, attempts=F("attempts") + 1, updated_at=now)
        claimed = {
            r.pk: r
            for chunk in chunks(ids)
            for r in Recommendation.objects.filter(
                pk__in=chunk, status=R.EXECUTING, lease_expires_at=token, updated_at=now
            )
        }
        copy_to_history(Recommendation, list(claimed), actor=actor, when=now, reason=reason)
    out = []
    for rec in recs:  # fresh rows, with the relations the caller had loaded
        if rec.pk in claimed:
            fresh = claimed[rec.pk]
            for name in ("account", "campaign", "ad_group", "audience", "decided_by"):
                if Recommendation._meta.get_field(name).is_cached(rec):
                    setattr(fresh, name, getattr(rec, name))
            out.append(fresh)
    return out


def recommendations_retake(*, ids: Iterable[int], token: datetime, now: datetime) -> list[int]:
    """Recovery's turn on EXECUTING changes whose lease ran out: one conditional UPDATE, so
    two recovery runs never reconcile the same row. Their campaigns' locks move with them."""
    ids = list(ids)
    for chunk in chunks(ids):
        Recommendation.objects.filter(
            pk__in=chunk, status=R.EXECUTING, lease_expires_at__lt=now
        ).update(lease_expires_at=token)
    taken = [
        pk
        for chunk in chunks(ids)
        for pk in Recommendation.objects.filter(
            pk__in=chunk, status=R.EXECUTING, lease_expires_at=token
        ).values_list("pk", flat=True)
    ]
    campaigns = Recommendation.objects.filter(pk__in=taken).values("campaign_id")
    Campaign.objects.filter(pk__in=campaigns, status=CS.OPTIMIZING).update(lock_expires_at=token)
    return taken


def recommendations_mark_executed_bulk(
    *, recs: list[Recommendation], actor, details: dict[int, str], now: datetime | None = None
) -> None:
    """EXECUTED, and Spectra's rows brought in line with the platform, in one transaction.

    Budgets (the bulk of a cycle) in one executemany UPDATE that also gives back the
    campaign lock; bids, audiences and statuses row by row. A significant change starts
    its campaign's cooldown; a rollback marks what it undid ROLLED_BACK.
    """
    if not recs:
        return
    now = now or timezone.now()
    sources, target = _fsm_edge("mark_executed")
    by_detail: dict[str, list[int]] = {}
    for rec in recs:
        by_detail.setdefault(details.get(rec.pk, "applied")[:2000], []).append(rec.pk)
    with transaction.atomic():
        for detail, ids in by_detail.items():
            recommendations_move_bulk(
                ids,
                sources=sources,
                target=target,
                now=now,
                actor=actor,
                reason="Executed on the platform",
                executed_at=now,
                lease_expires_at=None,
                outcome_detail=detail,
            )
        campaigns_record_significant_changes(recommendations=recs, when=now)
        _apply_budgets([r for r in recs if r.kind == K.BUDGET], actor, now)
        for rec in recs:
            if rec.kind != K.BUDGET:
                APPLY[rec.kind](rec, actor, _reason(rec))
            undone = rolled_back_by(rec)
            for original in (
                Recommendation.objects.filter(pk__in=undone, status=R.EXECUTED) if undone else ()
            ):
                recommendation_mark_rolled_back(recommendation=original, actor=actor, rollback=rec)


def _reason(rec: Recommendation) -> str:
    return f"Executed recommendation #{rec.pk} ({rec.get_kind_display().lower()})"


def _apply_budgets(recs, actor, now) -> None:
    """One executemany UPDATE: bulk_update's CASE per row costs seconds at 5,000 rows.
    A campaign paused while its budget change was in flight stays paused."""
    if not recs:
        return
    table = connection.ops.quote_name(Campaign._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET daily_budget = %s, last_significant_change_at = %s, "
            "updated_at = %s, lock_expires_at = NULL, "
            "status = CASE WHEN status = %s THEN %s ELSE status END WHERE id = %s",
            [
                (rec.proposed_value, at, at, CS.OPTIMIZING, CS.ACTIVE, rec.campaign_id)
                for rec in recs
            ],
        )
    copy_to_history(
        Campaign,
        [r.campaign_id for r in recs],
        actor=actor,
        when=now,
        reason=("Executed recommendation #", [r.pk for r in recs]),
    )


def _apply_bid(rec, actor, reason) -> None:
    ad_group = AdGroup.objects.select_for_update().get(pk=rec.ad_group_id)
    ad_group.bid = rec.proposed_value
    save_with_history(ad_group, actor=actor, reason=reason, update_fields=["bid", "updated_at"])


def _apply_audience(rec, actor, reason) -> None:
    audience = Audience.objects.select_for_update().get(pk=rec.audience_id)
    audience.status = AudienceStatus(kind_of(rec).after)
    save_with_history(audience, actor=actor, reason=reason, update_fields=["status", "updated_at"])


def _apply_status(rec, actor, reason) -> None:
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    transition = "pause" if rec.kind == K.PAUSE else "resume"
    allowed = (CS.ACTIVE, CS.OPTIMIZING) if rec.kind == K.PAUSE else (CS.PAUSED,)
    if campaign.status in allowed:
        campaign_transition(
            campaign=campaign,
            transition=transition,
            actor=actor,
            reason=f"{reason}: {rec.reason}"[:500],
        )


# How Spectra's own rows follow an executed change, per kind (budgets: `_apply_budgets`).
APPLY = {
    K.BID: _apply_bid,
    K.AUDIENCE_ACTIVATE: _apply_audience,
    K.AUDIENCE_SUPPRESS: _apply_audience,
    K.PAUSE: _apply_status,
    K.RESUME: _apply_status,
    K.KEYWORD_ADD: apply_keyword_add,
    K.KEYWORD_REMOVE: apply_keyword_remove,
    K.AD_REPLACE: apply_ad_replace,
    K.AD_GROUP_PAUSE: apply_ad_group_status,
    K.AD_GROUP_RESUME: apply_ad_group_status,
    K.NEGATIVE_KEYWORD: apply_keyword_add,
}
