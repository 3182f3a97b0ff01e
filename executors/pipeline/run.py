"""Carrying out approved changes on the platforms (promises 1 and 2): one pipeline.

A single change is a batch of one; the daily cycle's thousands are one batch.
Each round of a batch:

  claim   turns on the due APPROVED rows (one conditional UPDATE marked with the
          round's token: racing workers split the rows, never share one), at most
          one change per campaign, then the campaign locks of the kinds that take
          one (ACTIVE → OPTIMIZING, one UPDATE);
  check   every guardrail again on the current rows, and a reallocation's order
          (decreases land before the increases they pay for);
  gate    the kill switch, the breaker (and its half-open probe), the rate limit
          and the day's quota — blocked, or held with a not-before time;
  read    the platform's current values in one listing or query: a basis that
          moved is blocked, a stale read of our own write is held, an earlier
          attempt that landed is reconciled;
  send    claimed (APPROVED → EXECUTING, with history) a chunk at a time and sent
          by the platform's sender, the one layer that retries a write;
  record  executed / reconciled / in doubt / waiting / failed, bulk where it can be
          (executors.pipeline.record).

Rounds repeat until nothing more moves: the next bid of a campaign, or a
reallocation's increase once its decreases are applied, goes in the next round
of the same call. Every step appends ExecutionLog rows. A worker that dies
leaves EXECUTING rows under an expiring lease: `recover_executions` finishes them.
"""

import threading
from collections import Counter, deque
from concurrent.futures import wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.change_kinds import KINDS, kind_of
from campaigns.guardrails import limits_of
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Platform,
    Recommendation,
    RecommendationStatus,
)
from campaigns.selectors import policy_for_account
from campaigns.services.execution import (
    campaigns_lock_for_changes,
    campaigns_unlock_changes,
    recommendations_claim_bulk,
    recommendations_give_back,
    recommendations_take_turns,
)
from campaigns.services.recommendations import (
    recommendation_mark_simulated,
    recommendations_expire_waiting,
)
from executors.checks import BLOCK, WAIT, change_set_turn, executed_today, execution_checks
from executors.clients.errors import PlatformError
from executors.models import ExecutionOutcome
from executors.pipeline.gate import RATE_WAIT_S, Gate
from executors.pipeline.logs import log
from executors.pipeline.record import block, finish_sent, hold, reconciled
from executors.writers import UnsupportedChange, writer_for

R = RecommendationStatus
CS = CampaignStatus
OUT = ExecutionOutcome
LEASE = timedelta(minutes=5)  # longer than a round's writes with all their retries take
WRITE_ATTEMPTS = 4
MAX_ROUNDS = 50
POLL_S = 0.01  # how soon the pipeline's thread notices a finished chunk


@dataclass
class Batch:
    """One round's context: whose changes, under which token, through what."""

    account: object
    actor: object
    now: datetime
    token: datetime
    writer: object
    gate: Gate
    counts: Counter
    concurrency: int = 16
    recovering: bool = False  # recovery: the rows are claimed already; believe only reads
    limits: object = None
    decided: set = field(default_factory=set)

    def count(self, status, n: int = 1) -> None:
        if n:
            self.counts[status] += n

    def clock(self) -> datetime:
        return timezone.now()


_last_token: list = [None]
_token_lock = threading.Lock()


def new_token(at: datetime) -> datetime:
    """`at` + LEASE, never equal to another token of this process (threads share it)."""
    token = at + LEASE
    with _token_lock:
        last = _last_token[0]
        if last is not None and last >= token and last - token < timedelta(seconds=1):
            token = last + timedelta(microseconds=1)
        _last_token[0] = token
    return token


def execute_approved(*, account, actor=None, limit: int | None = None) -> dict[str, int]:
    """Carry out every due APPROVED change of an account; counts by final status."""
    actor = actor or system_user()
    expired = recommendations_expire_waiting(account=account, actor=actor)
    counts = execute_batch(account=account, actor=actor, limit=limit or 5000)
    if expired:
        counts[R.EXPIRED] = len(expired)
    return {status: n for status, n in counts.items() if status != R.APPROVED}


def execute_recommendation(
    rec_id: int, *, actor=None, now: datetime | None = None, client=None
) -> Recommendation:
    """Carry out one APPROVED change (a batch of one); safe to call any number of times."""
    account = Recommendation.objects.select_related("account").get(pk=rec_id).account
    execute_batch(account=account, actor=actor, now=now, client=client, ids=[rec_id])
    return Recommendation.objects.select_related("account", "campaign").get(pk=rec_id)


def execute_batch(
    *,
    account,
    actor=None,
    now: datetime | None = None,
    client=None,
    ids=None,
    limit: int = 5000,
    concurrency: int = 16,
) -> Counter:
    """Execute up to `limit` due APPROVED changes of `account` (or of `ids`), in rounds."""
    actor = actor or system_user()
    if account.platform == Platform.ADOBE:  # one call per change: a round must fit its lease
        limit = min(limit, int(settings.PLATFORM_RATE_PER_SECOND * LEASE.total_seconds() / 2))
    writer = writer_for(account, client)
    counts: Counter = Counter()
    tried: set[int] = set()
    for _ in range(MAX_ROUNDS):
        at = now or timezone.now()
        token = new_token(at)
        recs = recommendations_take_turns(
            account=account, now=at, token=token, limit=limit, ids=ids, exclude=tried
        )
        if not recs:
            break
        batch = Batch(account, actor, at, token, writer, Gate(account), counts, concurrency)
        try:
            _round(batch, recs)
        finally:
            recommendations_give_back(ids=[r.pk for r in recs], token=token)
            campaigns_unlock_changes(token=token)
            batch.gate.untested()
        tried |= batch.decided
        if not batch.decided:
            break
    return counts


def _round(b: Batch, recs) -> None:
    ready = _locked(b, recs)
    b.limits = limits_of(policy_for_account(b.account))
    done_today = executed_today(b.account, b.now)
    go, legs = [], []
    for rec in ready:
        verdict = execution_checks(rec, limits=b.limits, now=b.now, done_today=done_today)
        if not verdict.ok:
            _decide(b, rec)
            block(b, rec, verdict.rule, verdict.detail)
            continue
        try:
            prepared = b.writer.prepare(rec)
        except UnsupportedChange as exc:
            _decide(b, rec)
            block(b, rec, "unsupported", str(exc))
            continue
        turn, why = change_set_turn(rec)
        if turn == WAIT:
            legs.append((rec, prepared, why))
            continue
        _decide(b, rec)
        if turn == BLOCK:
            block(b, rec, "change_set", why, prepared)
            continue
        go.append((rec, prepared))
        done_today += 1
    if go:
        _carry_out(b, go)
    if legs and not b.decided:
        # Nothing else moved this round, so their decreases are not coming in this call:
        # they wait (logged), rather than going before them.
        for rec, prepared, why in legs:
            _decide(b, rec)
            hold(b, [(rec, prepared)], why)


def _decide(b: Batch, rec) -> None:
    b.decided.add(rec.pk)


def _locked(b: Batch, recs) -> list:
    """The round's changes whose campaign lock (for the kinds that take one) is held now;
    a campaign that cannot be changed (paused, archived…) blocks its change."""
    wanted = {r.campaign_id for r in recs if kind_of(r).locks_campaign}
    locked = campaigns_lock_for_changes(campaign_ids=wanted, token=b.token, now=b.now)
    ready = []
    for rec in recs:
        if kind_of(rec).locks_campaign:
            campaign = locked.get(rec.campaign_id)
            if campaign is None:
                current = Campaign.objects.get(pk=rec.campaign_id)
                if current.status == CS.OPTIMIZING:
                    continue  # another writer holds it: a later round or call
                _decide(b, rec)
                block(
                    b,
                    rec,
                    "campaign_state",
                    f"Campaign '{current}' is {current.get_status_display().lower()}; "
                    "only an active campaign can be changed.",
                )
                continue
            rec.campaign = campaign
        ready.append(rec)
    return ready


def _carry_out(b: Batch, go) -> None:
    if b.account.execution_mode == ExecutionMode.DRY_RUN:
        for rec, prepared in go:
            try:
                request = b.writer.simulate(prepared)
            except PlatformError as exc:
                hold(b, [(rec, prepared)], f"could not validate the change: {exc}")
                continue
            log(
                rec,
                action=prepared.action,
                outcome=OUT.SIMULATED,
                request=request,
                detail="dry run: nothing was changed",
            )
            recommendation_mark_simulated(recommendation=rec, actor=b.actor, request=request)
            b.count(R.SIMULATED)
        return
    recs = [rec for rec, _ in go]
    reads = b.writer.read_requests(recs)
    held = b.gate.admit(
        operations=reads, mutate=False, rate=min(reads, settings.PLATFORM_RATE_PER_SECOND)
    )
    if held:
        hold(b, go, held.reason, held.until)
        return
    try:
        current = b.writer.read(recs)
    except PlatformError as exc:
        if exc.retryable:
            b.gate.troubled(str(exc))
        else:
            b.gate.untested()
        hold(b, go, f"could not read the current value: {exc}")
        return
    # The platform answered: if this read was the half-open probe, that closes the
    # breaker (the round's own writes would otherwise meet the probe it still holds).
    b.gate.answered()
    sendable, landed = [], []
    for rec, prepared in go:
        change, value = kind_of(rec), current.get(rec.pk)
        before = change.expected_before(rec)
        if rec.attempts and value == change.expected_after(rec):
            landed.append((rec, prepared, value))  # an earlier attempt's answer was lost
        elif value != before and just_written(rec, value):
            hold(
                b,
                [(rec, prepared)],
                f"the platform still shows {value}, the value before Spectra's last write "
                "to it: its reads have not caught up yet",
            )
        elif value != before:
            block(
                b,
                rec,
                "changed outside Spectra",
                f"the platform shows {value}, the proposal was based on {before}",
                prepared,
            )
        else:
            sendable.append((rec, prepared))
    if landed:
        claimed = _claim(b, [(rec, (prepared, value)) for rec, prepared, value in landed])
        reconciled(
            b,
            [(rec, prepared, value) for rec, (prepared, value) in claimed],
            detail="the platform already shows {value}: an earlier attempt was applied",
            finish="applied by an earlier attempt (read back)",
        )
    if sendable:
        send(b, sendable)


def send(b: Batch, items) -> None:
    """Claim, send and record a chunk at a time, the bookkeeping overlapping the writes.

    While the sender's threads write chunk k, this thread claims chunk k+1, records
    chunk k-1 and keeps the rate-limit capacity topped up (all the database work stays
    on this thread). A chunk is claimed only once the sender is close to needing it,
    after the kill switch, the breaker and the quota are asked again, so a stop or a
    crash leaves at most two chunks claimed (recovery finishes those) and the rest
    APPROVED.
    """
    capacity = b.gate.capacity()
    size = b.writer.chunk
    waiting = deque(items[i : i + size] for i in range(0, len(items), size))
    in_flight: deque = deque()
    with b.writer.sender(
        capacity=capacity, concurrency=b.concurrency, attempts=WRITE_ATTEMPTS, wait_s=RATE_WAIT_S
    ) as sender:
        while waiting or in_flight:
            capacity.top_up(sender.demand())
            if waiting and sender.backlog() < size:
                chunk = _next_chunk(b, waiting)
                if chunk:
                    in_flight.append((chunk, sender.submit(chunk)))
                continue
            chunk, futures = in_flight[0]
            if len(wait(futures, timeout=POLL_S).done) == len(futures):
                in_flight.popleft()
                finish_sent(b, chunk, [f.result() for f in futures])


def _next_chunk(b: Batch, waiting: deque) -> list:
    """The next chunk, claimed — unless the kill switch (blocked, as the checks decide),
    the breaker or the quota (held) now says stop."""
    chunk = waiting.popleft()
    if b.gate.switched_off():  # flipped mid-batch: what the checks now stop is blocked
        rest = [*chunk, *(item for later in waiting for item in later)]
        waiting.clear()
        keep = []
        for rec, prepared in rest:
            verdict = execution_checks(rec, limits=b.limits, now=b.now, done_today=0)
            if verdict.ok:
                keep.append((rec, prepared))
            else:
                block(b, rec, verdict.rule, verdict.detail, prepared)
        if not keep:
            return []
        chunk = keep[: b.writer.chunk]
        waiting.extend([keep[b.writer.chunk :]] if keep[b.writer.chunk :] else [])
    held = b.gate.admit(operations=len(chunk), mutate=True)
    if held:
        rest = [*chunk, *(item for later in waiting for item in later)]
        waiting.clear()
        if b.recovering:
            for rec, prepared in rest:
                log(rec, action=prepared.action, outcome=OUT.RETRYING, detail=held.reason)
        else:
            hold(b, rest, held.reason, held.until)
        return []
    if b.recovering:
        return chunk
    return _claim(b, chunk)


def _claim(b: Batch, items) -> list:
    """APPROVED → EXECUTING for the `(rec, extra)` items this round's turns still hold;
    the claimed rows, fresh, each with its extra."""
    extra = {rec.pk: more for rec, more in items}
    claimed = recommendations_claim_bulk(
        recs=[rec for rec, _ in items], token=b.token, actor=b.actor
    )
    return [(rec, extra[rec.pk]) for rec in claimed]


def just_written(rec, current) -> bool:
    """Whether `current` is what the target showed before a change Spectra executed on it
    within a lease: a read that has not caught up with our own write (platforms are
    eventually consistent), not a change made outside Spectra."""
    recent = Recommendation.objects.filter(
        account_id=rec.account_id,
        campaign_id=rec.campaign_id,
        ad_group_id=rec.ad_group_id,
        audience_id=rec.audience_id,
        status=R.EXECUTED,
        executed_at__gte=timezone.now() - LEASE,
    ).exclude(pk=rec.pk)
    if kind_of(rec).is_amount:
        return recent.filter(kind=rec.kind, current_value=current).exists()
    amounts = [kind for kind, change in KINDS.items() if change.is_amount]
    return recent.exclude(kind__in=amounts).exists()
