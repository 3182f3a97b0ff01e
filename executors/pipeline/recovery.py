"""Finishing changes whose worker died mid-write (EXECUTING past their lease).

Through the same pipeline: the platform's values are read back in one call per
account; what is applied is EXECUTED (logged as reconciled); what is not is sent
again by the same sender with the same idempotency key (Adobe applies a key at
most once; on Google a value read back as not applied is safe to set), and its
success is believed only once the platform shows it. While a change is in doubt
its campaign stays locked, and no longer than the change's own lease.

It assumes what real platforms show: reads catch up with a write within seconds, far
inside the lease, so a read made a lease after the write is not stale. On Google (no
idempotency key) a read that still showed the old value would have the write sent a
second time — harmless to the value (it sets the same absolute amount), but a second
change in the platform's history.
"""

from collections import Counter, defaultdict
from datetime import datetime

from django.utils import timezone

from campaigns.actors import system_user
from campaigns.change_kinds import kind_of
from campaigns.guardrails import limits_of
from campaigns.models import (
    AdAccount,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationStatus,
)
from campaigns.selectors import policy_for_account
from campaigns.services.campaigns import campaign_unlock
from campaigns.services.execution import campaigns_unlock_changes, recommendations_retake
from executors.clients.errors import PlatformError
from executors.models import ExecutionOutcome
from executors.pipeline.gate import Gate
from executors.pipeline.logs import log
from executors.pipeline.record import reconciled
from executors.pipeline.run import Batch, new_token, send
from executors.writers import writer_for

R = RecommendationStatus
OUT = ExecutionOutcome


def recover_executions(*, actor=None, now: datetime | None = None, client=None) -> int:
    """Find EXECUTING changes whose lease ran out and finish each of them."""
    actor = actor or system_user()
    now = now or timezone.now()
    stale = list(
        Recommendation.objects.filter(status=R.EXECUTING, lease_expires_at__lt=now).values_list(
            "account_id", "pk"
        )
    )
    by_account = defaultdict(list)
    for account_id, pk in stale:
        by_account[account_id].append(pk)
    for account_id, ids in by_account.items():
        token = new_token(now)
        taken = recommendations_retake(ids=ids, token=token, now=now)
        if not taken:
            continue  # another recovery run has them
        account = AdAccount.objects.get(pk=account_id)
        batch = Batch(
            account,
            actor,
            now,
            token,
            writer_for(account, client),
            Gate(account),
            Counter(),
            recovering=True,
            limits=limits_of(policy_for_account(account)),
        )
        recs = list(
            Recommendation.objects.filter(pk__in=taken)
            .select_related("account", "campaign", "ad_group", "audience", "decided_by")
            .order_by("decided_at", "pk")
        )
        try:
            _reconcile(batch, recs)
        finally:
            campaigns_unlock_changes(token=token)
            batch.gate.untested()
    _release_expired_leases(actor, now)
    return len(stale)


def _reconcile(b: Batch, recs) -> None:
    items = [(rec, b.writer.prepare(rec)) for rec in recs]
    try:
        current = b.writer.read(recs)
    except PlatformError as exc:
        for rec, prepared in items:
            log(
                rec,
                action=prepared.action,
                outcome=OUT.RETRYING,
                detail=f"recovery could not read the current value: {exc}",
            )
        return
    done = [
        (rec, p, current.get(rec.pk))
        for rec, p in items
        if current.get(rec.pk) == kind_of(rec).expected_after(rec)
    ]
    reconciled(
        b,
        done,
        detail="the platform already shows {value}",
        finish="reconciled after a worker stopped",
    )
    finished = {rec.pk for rec, _, _ in done}
    rest = [(rec, p) for rec, p in items if rec.pk not in finished]
    if rest:
        send(b, rest)


def _release_expired_leases(actor, now) -> None:
    """A dead worker's other marks: turns on APPROVED rows and campaign locks it held."""
    Recommendation.objects.filter(status=R.APPROVED, lease_expires_at__lt=now).update(
        lease_expires_at=None
    )
    in_doubt = Recommendation.objects.filter(status=R.EXECUTING).values("campaign_id")
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.OPTIMIZING, lock_expires_at__lt=now
    ).exclude(pk__in=in_doubt):
        campaign_unlock(
            campaign=campaign,
            actor=actor,
            reason="Lock released: its writer stopped before finishing",
        )
