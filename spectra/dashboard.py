"""What the ops dashboard shows: pure reads, scoped to the user's organizations.

It answers two questions at a glance: what Spectra will do next (each account's
execution mode, last and next cycle) and whether it may (the kill switches as
the executor reads them, pacing against the limits that are actually set).

One call, `ops_dashboard(user=...)`, runs a fixed number of queries however
many accounts, campaigns, alerts or log rows there are: every per-account
figure comes from one aggregate or one list query, joined in Python. A
superuser sees every organization, and only a superuser sees the task
queue, because task arguments and names belong to no single tenant.
"""

import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure, Schedule

from campaigns.models import (
    AdAccount,
    Alert,
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Organization,
    Recommendation,
    RecommendationStatus,
)
from campaigns.selectors import scoped, visible_org_ids
from campaigns.switches import (
    ENVIRONMENT,
    GLOBAL,
    ORGANIZATION,
    SwitchState,
    switches_off,
    writes_allowed,
)
from creative.metering import month_spend_of
from executors.models import ApiQuotaUsage, BreakerState, CircuitBreaker, ExecutionLog
from executors.models.log import ExecutionOutcome
from executors.resilience.quota import daily_operations_limit, quota_day
from spectra.earnings import what_spectra_earned
from spectra.models import AccountCycle, CycleRun, CycleStatus
from spectra.schedules import DISPATCH_CYCLES

NEWEST_ALERTS = 5
# How organization_execution_set words the history of a switch-off; the reason follows.
SWITCHED_OFF = "Platform writes switched off"
FAILURE_WINDOW = timedelta(hours=24)
# The four outcomes a person asks about, keyed by the execution log's words.
EXECUTION_OUTCOMES = {
    ExecutionOutcome.SUCCEEDED: "executed",
    ExecutionOutcome.FAILED: "failed",
    ExecutionOutcome.BLOCKED: "blocked",
    ExecutionOutcome.SIMULATED: "simulated",
}


@dataclass(frozen=True)
class Pacing:
    """Spend against a limit that covers exactly that spend.

    `basis` says which limit: "account" (the account's own), "campaigns" (the
    capped campaigns' spend against the sum of their caps) or "none" (no limit
    anywhere: nothing to pace against, so no bar).
    """

    basis: str
    spend: Decimal  # the spend the limit covers
    limit: Decimal | None
    capped: int  # campaigns with a daily limit
    campaigns: int  # campaigns that are not archived
    over_limit: int = 0  # capped campaigns at or past their own limit

    @property
    def pct(self) -> float | None:
        if self.limit is None:
            return None
        return float(self.spend / self.limit * 100)

    @property
    def label(self) -> str:
        if self.basis == "account":
            return "account limit"
        if self.basis == "campaigns":
            plural = "s" if self.campaigns != 1 else ""
            return f"{self.capped} of {self.campaigns} campaign{plural} capped"
        return "no limit"


def account_pacing(
    *,
    spend_total: Decimal,
    spend_capped: Decimal,
    caps_total: Decimal | None,
    capped: int,
    campaigns: int,
    over_limit: int = 0,
    account_limit: Decimal | None = None,
) -> Pacing:
    """How an account paces today, comparing like with like.

    An account's own limit covers all its spend. Without one, the campaigns'
    caps cover only the capped campaigns' spend: comparing the whole account's
    spend with one campaign's cap is how a 2,508 % red bar came about.
    """
    if account_limit:
        return Pacing("account", spend_total, account_limit, capped, campaigns, over_limit)
    if capped and caps_total:
        return Pacing("campaigns", spend_capped, caps_total, capped, campaigns, over_limit)
    return Pacing("none", spend_total, None, capped, campaigns, over_limit)


@dataclass(frozen=True)
class CycleView:
    """The account's last cycle and when the next one starts."""

    last_status: str | None  # a CycleStatus value; None: it never ran
    last_at: datetime | None  # finished, else started, else queued
    next_at: datetime | None  # None: not scheduled (see `next_note`)
    next_note: str = ""  # "due now", "cycle switched off", "dispatcher not installed"


@dataclass(frozen=True)
class AccountHealth:
    """One active account: today's spend against its limits, its breaker and its quota,
    what mode it runs in, whether it may write now, and its cycles."""

    id: int
    name: str
    organization: str
    currency: str
    time_zone: str
    spend_today: Decimal
    pacing: Pacing
    breaker: str  # a BreakerState value
    breaker_retry_at: datetime | None
    quota_used: int
    quota_limit: int | None
    execution_mode: str = ExecutionMode.LIVE  # an ExecutionMode value
    switch: SwitchState = field(default_factory=lambda: SwitchState(True))
    cycle: CycleView = field(default_factory=lambda: CycleView(None, None, None))

    @property
    def daily_limit(self) -> Decimal | None:
        return self.pacing.limit

    @property
    def campaigns_without_limit(self) -> int:
        return self.pacing.campaigns - self.pacing.capped

    @property
    def pacing_pct(self) -> float | None:
        return self.pacing.pct

    @property
    def quota_pct(self) -> float | None:
        if not self.quota_limit:
            return None
        return self.quota_used / self.quota_limit * 100

    @property
    def execution_mode_label(self) -> str:
        return MODE_LABELS.get(self.execution_mode, self.execution_mode)

    @property
    def changes_blocked(self) -> bool:
        """Would the kill switch stop this account's changes now? (Read-only writes nothing.)"""
        return self.execution_mode != ExecutionMode.READ_ONLY and not self.switch.enabled


ON = SwitchState(True)
MODE_LABELS = {
    ExecutionMode.READ_ONLY: "read-only",
    ExecutionMode.DRY_RUN: "dry run",
    ExecutionMode.LIVE: "live",
}


@dataclass(frozen=True)
class Switches:
    """The kill switches as the executor reads them (campaigns.switches), for this user."""

    environment_enabled: bool
    global_enabled: bool
    global_reason: str
    organizations_off: list[str]
    # The operators' switches that are off (environment, global), each with its reason.
    reasons: list[str] = field(default_factory=list)
    # Each of the user's organizations that is switched off, with the reason its admin gave.
    organizations_off_reasons: dict[str, str] = field(default_factory=dict)
    organizations: int = 0  # the user's organizations

    @property
    def writes_allowed(self) -> bool:
        """Spectra may write for every one of the user's organizations."""
        return self.environment_enabled and self.global_enabled and not self.organizations_off

    @property
    def state(self) -> str:
        """ "on", "off" (for every organization the user sees) or "partly" (some are off)."""
        if self.writes_allowed:
            return "on"
        if not (self.environment_enabled and self.global_enabled):
            return "off"
        return "off" if len(self.organizations_off) >= self.organizations else "partly"


# A launch's way from brief to platform, in order; FAILED waits for a person.
LAUNCH_STATES = (
    CampaignStatus.DRAFT,
    CampaignStatus.GENERATING_ASSETS,
    CampaignStatus.PENDING_DEPLOYMENT,
    CampaignStatus.DEPLOYING,
    CampaignStatus.FAILED,
)
AWAITING_REVIEW_SHOWN = 5


@dataclass(frozen=True)
class Launches:
    """Campaigns launched from a brief that are not on the platform yet, by state."""

    by_state: dict[str, int]  # every one of LAUNCH_STATES, in order
    awaiting_review: list[Campaign]  # the oldest waiting first, at most AWAITING_REVIEW_SHOWN

    @property
    def in_progress(self) -> int:
        return sum(self.by_state.values())


@dataclass(frozen=True)
class TaskQueue:
    waiting: int
    running: int | None  # None: the broker cannot tell
    failures_24h: int


@dataclass(frozen=True)
class Dashboard:
    pending_approvals: int
    executions_today: dict[str, int]
    day_start: datetime
    accounts: list[AccountHealth]
    open_alerts: int
    newest_alerts: list[Alert]
    switches: Switches
    tasks: TaskQueue | None  # superusers only
    breakers: dict[str, int] = field(default_factory=dict)
    ai_spent: Decimal = Decimal(0)  # USD this month (creative.metering)
    ai_budget: Decimal | None = None  # the organizations' monthly AI budgets; None: operators
    earned: list = field(default_factory=list)  # spectra.earnings: what holdouts measured
    launches: Launches = field(
        default_factory=lambda: Launches(dict.fromkeys(LAUNCH_STATES, 0), [])
    )


def _accounts(user, now: datetime, switches: dict[int, SwitchState]) -> list[AccountHealth]:
    live = ~Q(campaigns__status=CampaignStatus.ARCHIVED)
    capped = live & Q(campaigns__max_daily_spend__isnull=False)
    latest_cycle = CycleRun.objects.filter(account=OuterRef("pk")).order_by("-queued_at", "-pk")
    accounts = list(
        scoped(AdAccount.objects.filter(is_active=True), user)
        .annotate(
            spend=Sum("campaigns__spend_today", filter=live),
            spend_capped=Sum("campaigns__spend_today", filter=capped),
            limit=Sum("campaigns__max_daily_spend", filter=live),
            n_campaigns=Count("campaigns", filter=live),
            n_capped=Count("campaigns", filter=capped),
            n_over=Count(
                "campaigns",
                filter=capped & Q(campaigns__spend_today__gte=F("campaigns__max_daily_spend")),
            ),
            last_cycle=Subquery(latest_cycle.values("pk")[:1]),
        )
        .select_related("organization", "cycle")
        .order_by("organization__name", "name")
    )
    if not accounts:
        return []
    ids = [a.pk for a in accounts]
    breakers = {
        account_id: (state, retry_at)
        for account_id, state, retry_at in CircuitBreaker.objects.filter(
            account_id__in=ids
        ).values_list("account_id", "state", "retry_at")
    }
    # Each account's "today" is its own local date; a handful of dates at most.
    days = {a.pk: quota_day(a, now).day for a in accounts}
    used = {
        (account_id, day): operations
        for account_id, day, operations in ApiQuotaUsage.objects.filter(
            account_id__in=ids, day__in=set(days.values())
        ).values_list("account_id", "day", "operations")
    }
    cycles = _cycles(accounts, now)
    return [
        AccountHealth(
            id=a.pk,
            name=a.name,
            organization=a.organization.name,
            currency=a.currency,
            time_zone=a.time_zone,
            spend_today=a.spend or Decimal("0"),
            pacing=account_pacing(
                spend_total=a.spend or Decimal("0"),
                spend_capped=a.spend_capped or Decimal("0"),
                caps_total=a.limit,
                capped=a.n_capped,
                campaigns=a.n_campaigns,
                over_limit=a.n_over,
            ),
            breaker=breakers.get(a.pk, (BreakerState.CLOSED, None))[0],
            breaker_retry_at=breakers.get(a.pk, (None, None))[1],
            quota_used=used.get((a.pk, days[a.pk]), 0),
            quota_limit=daily_operations_limit(a),
            execution_mode=a.execution_mode,
            switch=switches.get(a.organization_id) or writes_allowed(a.organization_id),
            cycle=cycles[a.pk],
        )
        for a in accounts
    ]


def _cycles(accounts, now: datetime) -> dict[int, CycleView]:
    """Last and next cycle per account: the last runs in one query, the dispatcher's
    schedule in another (each account's own schedule came with the account)."""
    last = {
        run.account_id: run
        for run in CycleRun.objects.filter(
            pk__in=[a.last_cycle for a in accounts if a.last_cycle]
        ).only("account_id", "status", "queued_at", "started_at", "finished_at")
    }
    dispatch = (
        Schedule.objects.filter(name=DISPATCH_CYCLES).values_list("next_run", flat=True).first()
    )
    views = {}
    for a in accounts:
        run = last.get(a.pk)
        views[a.pk] = CycleView(
            last_status=run.status if run else None,
            last_at=(run.finished_at or run.started_at or run.queued_at) if run else None,
            **_next_cycle(_schedule(a), run, dispatch, now),
        )
    return views


def _schedule(account) -> AccountCycle | None:
    try:
        return account.cycle
    except AccountCycle.DoesNotExist:  # the dispatcher creates it, due now, at its next tick
        return None


def _next_cycle(schedule, run, dispatch: datetime | None, now: datetime) -> dict:
    """When the dispatcher will next start this account's cycle.

    A cycle starts at the first dispatcher tick at or after the account's due time;
    an account without a schedule row gets one, due now, at the next tick.
    """
    if run and run.status in (CycleStatus.QUEUED, CycleStatus.RUNNING):
        return {"next_at": None, "next_note": f"a cycle is {run.status} now"}
    if schedule is not None and not schedule.enabled:
        return {"next_at": None, "next_note": "cycle switched off"}
    if dispatch is None:
        return {"next_at": None, "next_note": "the cycle dispatcher is not scheduled"}
    due = schedule.next_due_at if schedule else None
    at = max(due, dispatch) if due else dispatch
    return {"next_at": at, "next_note": "due now" if at <= now else ""}


def _day_start(accounts: list[AccountHealth], now: datetime) -> datetime:
    """Midnight in the accounts' time zone when they share one, else in Spectra's."""
    zones = {a.time_zone for a in accounts}
    zone = zoneinfo.ZoneInfo(zones.pop() if len(zones) == 1 else settings.TIME_ZONE)
    local = timezone.localtime(now, zone)
    return datetime.combine(local.date(), time(), tzinfo=zone)


def _executions_today(user, since: datetime) -> dict[str, int]:
    rows = (
        scoped(ExecutionLog.objects.filter(created_at__gte=since), user)
        .filter(outcome__in=list(EXECUTION_OUTCOMES))
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(EXECUTION_OUTCOMES.values(), 0)
    for outcome, n in rows:
        counts[EXECUTION_OUTCOMES[outcome]] = n
    return counts


def _switches(user) -> tuple[Switches, dict[int, SwitchState]]:
    """The switches as the executor reads them (`campaigns.switches`), for the user's
    organizations: every one that is off, and what each organization's writes meet first.
    The reason an organization's admin gave is the one in its history."""
    off_reason = (
        Organization.history.model.objects.filter(
            id=OuterRef("pk"),
            execution_enabled=False,
            history_change_reason__startswith=SWITCHED_OFF,
        )
        .order_by("-history_date")
        .values("history_change_reason")[:1]
    )
    orgs = list(
        scoped(Organization.objects.all(), user)
        .annotate(off_reason=Subquery(off_reason))
        .order_by("name")
        .values_list("pk", "name", "off_reason")
    )
    off = switches_off([pk for pk, _, _ in orgs])
    scopes = {s.scope: s for s in off}
    off_orgs = {s.organization_id for s in off if s.scope == ORGANIZATION}
    organizations_off = {
        name: (why or "").removeprefix(f"{SWITCHED_OFF} for {name}: ")
        for pk, name, why in orgs
        if pk in off_orgs
    }
    outer = scopes.get(ENVIRONMENT) or scopes.get(GLOBAL)
    states = {
        pk: outer or (next(s for s in off if s.organization_id == pk) if pk in off_orgs else ON)
        for pk, _, _ in orgs
    }
    return (
        Switches(
            environment_enabled=ENVIRONMENT not in scopes,
            global_enabled=GLOBAL not in scopes,
            global_reason=scopes[GLOBAL].reason if GLOBAL in scopes else "",
            organizations_off=list(organizations_off),
            reasons=[s.reason for s in off if s.scope != ORGANIZATION],
            organizations_off_reasons=organizations_off,
            organizations=len(orgs),
        ),
        states,
    )


def _launches(user) -> Launches:
    launches = scoped(
        Campaign.objects.filter(brief__isnull=False, status__in=LAUNCH_STATES), user
    ).order_by()
    counts = dict(launches.values_list("status").annotate(n=Count("id")))
    return Launches(
        by_state={state: counts.get(state, 0) for state in LAUNCH_STATES},
        awaiting_review=list(
            launches.filter(status=CampaignStatus.PENDING_DEPLOYMENT)
            .only("pk", "name", "status", "updated_at")
            .order_by("updated_at", "pk")[:AWAITING_REVIEW_SHOWN]
        ),
    )


def _task_queue(now: datetime) -> TaskQueue:
    broker = get_broker()
    try:
        running = broker.lock_size()
    except NotImplementedError:  # pragma: no cover - brokers without locks (Redis)
        running = None
    return TaskQueue(
        waiting=broker.queue_size(),
        running=running,
        failures_24h=Failure.objects.filter(stopped__gte=now - FAILURE_WINDOW).count(),
    )


def ops_dashboard(*, user, now: datetime | None = None) -> Dashboard:
    """Everything the ops dashboard shows for `user`, in a fixed number of queries."""
    now = now or timezone.now()
    switches, states = _switches(user)
    account_rows = _accounts(user, now, states)
    day_start = _day_start(account_rows, now)
    open_alerts = scoped(Alert.objects.filter(acknowledged_at__isnull=True), user)
    ai_spent, ai_budget = month_spend_of(visible_org_ids(user), now=now)
    return Dashboard(
        pending_approvals=scoped(
            Recommendation.objects.filter(status=RecommendationStatus.PROPOSED), user
        ).count(),
        executions_today=_executions_today(user, day_start),
        day_start=day_start,
        accounts=account_rows,
        open_alerts=open_alerts.count(),
        newest_alerts=list(
            open_alerts.select_related("organization", "account", "campaign").order_by(
                "-created_at"
            )[:NEWEST_ALERTS]
        ),
        switches=switches,
        tasks=_task_queue(now) if user.is_active and user.is_superuser else None,
        breakers=dict(Counter(a.breaker for a in account_rows)),
        ai_spent=ai_spent,
        ai_budget=ai_budget,
        earned=what_spectra_earned(visible_org_ids(user)),
        launches=_launches(user),
    )
