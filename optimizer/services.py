"""Running the optimiser for an account and persisting what it decided.

`optimize_account` is idempotent per (account, as_of): a second call — a
redelivered task, a second click — returns the same run and creates nothing.
Proposals are created in bulk with history; earlier open proposals for the
same target are superseded (EXPIRED) in the same transaction.
"""

import logging
import time
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.account_time import account_today
from campaigns.actors import system_user
from campaigns.auth import authorize
from campaigns.guardrails import limits_of
from campaigns.models import AdAccount, ChangeSet, Recommendation, RecommendationKind
from campaigns.selectors import policy_for_account
from campaigns.services.change_sets import change_sets_create_bulk
from campaigns.services.recommendations import (
    recommendations_create_bulk,
    recommendations_expire_bulk,
)
from optimizer.load import CAMPAIGN_DAYS, load_account_inputs
from optimizer.models import OptimizationRun, RunStatus
from optimizer.money import currency_symbol
from optimizer.negative_proposals import negative_proposals
from optimizer.pipeline import plan_account
from optimizer.plan import Plan

logger = logging.getLogger("spectra.optimizer")
# A run stuck in RUNNING this long belongs to a worker that died; it may be taken over.
STALE_RUN = timedelta(minutes=30)


def _claim_run(account: AdAccount, as_of: date, now: datetime) -> tuple[OptimizationRun, bool]:
    """The run for (account, as_of) and whether this caller should compute it."""
    window = (as_of - timedelta(days=CAMPAIGN_DAYS), as_of - timedelta(days=1))
    try:
        with transaction.atomic():
            run = OptimizationRun.objects.create(
                account=account, as_of=as_of, window_start=window[0], window_end=window[1]
            )
            return run, True
    except IntegrityError:
        run = OptimizationRun.objects.get(account=account, as_of=as_of)
    if run.status == RunStatus.SUCCEEDED:
        return run, False
    # A failed run, or one whose worker died, is taken over by exactly one caller.
    took = (
        OptimizationRun.objects.filter(pk=run.pk)
        .filter(
            Q(status=RunStatus.FAILED) | Q(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUN)
        )
        .update(status=RunStatus.RUNNING, started_at=now, error="")
        == 1
    )
    run.refresh_from_db()
    return run, took


def optimize_account(
    *, account: AdAccount, as_of: date | None = None, actor=None, now: datetime | None = None
) -> OptimizationRun:
    """Decide budget, bid, audience and negative-keyword changes for one account and
    store them as proposals."""
    actor = actor or system_user()
    authorize(actor, "optimizer.run_optimization", account)
    now = now or timezone.now()
    as_of = as_of or account_today(account, now)
    run, mine = _claim_run(account, as_of, now)
    if not mine:
        return run
    started = time.perf_counter()
    try:
        policy = policy_for_account(account)
        limits = limits_of(policy)
        inputs = load_account_inputs(
            account,
            as_of=as_of,
            now=now,
            limits=limits,
            currency_symbol=currency_symbol(account.currency),
        )
        loaded = time.perf_counter()
        plan = plan_account(inputs, limits=limits, autonomy=account.autonomy)
        negatives = negative_proposals(
            account,
            as_of=as_of,
            alpha=float(limits.significance_level),
            run=run,
            expires=now + timedelta(hours=limits.recommendation_ttl_hours),
            policy_version=limits.version,
        )
        planned = time.perf_counter()
        _persist(run, account, inputs, plan, limits, actor, now, negatives)
    except Exception as exc:
        OptimizationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        logger.exception("Optimisation of %s as of %s failed", account, as_of)
        raise
    run.refresh_from_db()
    run.summary = run.summary | {
        "seconds": {
            "load": round(loaded - started, 3),
            "plan": round(planned - loaded, 3),
            "persist": round(time.perf_counter() - planned, 3),
        }
    }
    run.save(update_fields=["summary"])
    return run


def _target_filter(kind: str, ids: list[int]) -> Q:
    if kind == RecommendationKind.BID:
        return Q(kind=kind, ad_group_id__in=ids)
    if kind in (RecommendationKind.AUDIENCE_ACTIVATE, RecommendationKind.AUDIENCE_SUPPRESS):
        return Q(
            kind__in=[RecommendationKind.AUDIENCE_ACTIVATE, RecommendationKind.AUDIENCE_SUPPRESS],
            audience_id__in=ids,
        )
    return Q(kind=kind, campaign_id__in=ids)


def _persist(run, account, inputs, plan: Plan, limits, actor, now, negatives=()) -> None:
    c, g, a = inputs.campaigns, inputs.ad_groups, inputs.audiences
    expires = now + timedelta(hours=limits.recommendation_ttl_hours)
    rows = []
    # One change set per budget pool reallocated: its legs are decided as one.
    pools: dict[int, list[Recommendation]] = {}
    targets: dict[str, list[int]] = {}
    for p in plan.proposals:
        campaign_id = int(c.ids[p.campaign_index]) if p.campaign_index is not None else None
        ad_group_id = int(g.ids[p.ad_group_index]) if p.ad_group_index is not None else None
        audience_id = int(a.ids[p.audience_index]) if p.audience_index is not None else None
        target = ad_group_id or audience_id or campaign_id
        targets.setdefault(p.kind, []).append(target)
        rows.append(
            rec := Recommendation(
                account=account,
                run=run,
                campaign_id=campaign_id,
                ad_group_id=ad_group_id,
                audience_id=audience_id,
                kind=p.kind,
                current_value=p.current,
                proposed_value=p.proposed,
                reason=p.reason,
                evidence=p.evidence,
                confidence=None if p.confidence is None else round(p.confidence, 4),
                expected_impact=round(p.expected_gain, 2),
                risk=p.risk,
                policy_version=limits.version,
                requires_approval=p.requires_approval,
                expires_at=expires,
            )
        )
        if p.kind == RecommendationKind.BUDGET:
            pools.setdefault(int(c.portfolio[p.campaign_index]), []).append(rec)
    # Negative keywords supersede nothing: each term is its own proposal, made once.
    rows.extend(negatives)
    sets = [
        (ChangeSet(account=account, run=run, pool_id=pool or None, reason=_set_reason(legs)), legs)
        for pool, legs in pools.items()
    ]
    with transaction.atomic():
        superseded = 0
        for kind, ids in targets.items():
            superseded += recommendations_expire_bulk(
                queryset=Recommendation.objects.filter(account=account)
                .filter(_target_filter(kind, ids))
                .exclude(run=run),
                actor=actor,
                reason=f"Superseded by optimisation run #{run.pk}",
            )
        change_sets_create_bulk(
            sets=sets, actor=actor, reason=f"Proposed by optimisation run #{run.pk}"
        )
        recommendations_create_bulk(
            recommendations=rows, actor=actor, reason=f"Proposed by optimisation run #{run.pk}"
        )
        OptimizationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            proposed=len(rows),
            held=len(plan.holds),
            superseded=superseded,
            policy_version=limits.version,
            summary={
                "notes": plan.notes,
                "conversion_lag": plan.conversion_lag,
                "holds": [
                    {"target": h.target, "id": _hold_id(inputs, h), "reason": h.reason}
                    for h in plan.holds[:500]
                ],
                "holds_total": len(plan.holds),
            },
        )


def _set_reason(legs: list[Recommendation]) -> str:
    ups = sum(1 for leg in legs if leg.proposed_value > leg.current_value)
    return (
        f"Reallocation of {len(legs)} budgets ({ups} up, {len(legs) - ups} down): decided as "
        "one, so the pool's total holds."
    )


def _hold_id(inputs, hold) -> int:
    table = {
        "campaign": inputs.campaigns,
        "ad_group": inputs.ad_groups,
        "audience": inputs.audiences,
    }[hold.target]
    return int(table.ids[hold.index])
