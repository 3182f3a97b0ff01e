"""What the ops dashboard shows: pure reads, scoped to the user's organizations.

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
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure

from campaigns.models import (
    AdAccount,
    Alert,
    CampaignStatus,
    ExecutionSwitch,
    Organization,
    Recommendation,
    RecommendationStatus,
)
from campaigns.selectors import scoped
from executors.models import ApiQuotaUsage, BreakerState, CircuitBreaker, ExecutionLog
from executors.models.log import ExecutionOutcome
from executors.resilience.quota import daily_operations_limit, quota_day

NEWEST_ALERTS = 5
FAILURE_WINDOW = timedelta(hours=24)
# The four outcomes a person asks about, keyed by the execution log's words.
EXECUTION_OUTCOMES = {
    ExecutionOutcome.SUCCEEDED: "executed",
    ExecutionOutcome.FAILED: "failed",
    ExecutionOutcome.BLOCKED: "blocked",
    ExecutionOutcome.SIMULATED: "simulated",
}


@dataclass(frozen=True)
class AccountHealth:
    """One active account: today's spend against its limits, its breaker and its quota."""

    id: int
    name: str
    organization: str
    currency: str
    time_zone: str
    spend_today: Decimal
    daily_limit: Decimal | None  # sum of its campaigns' max_daily_spend; None if none has one
    campaigns_without_limit: int
    breaker: str  # a BreakerState value
    breaker_retry_at: datetime | None
    quota_used: int
    quota_limit: int | None

    @property
    def pacing_pct(self) -> float | None:
        if not self.daily_limit:
            return None
        return float(self.spend_today / self.daily_limit * 100)

    @property
    def quota_pct(self) -> float | None:
        if not self.quota_limit:
            return None
        return self.quota_used / self.quota_limit * 100


@dataclass(frozen=True)
class Switches:
    environment_enabled: bool
    global_enabled: bool
    global_reason: str
    organizations_off: list[str]

    @property
    def writes_allowed(self) -> bool:
        return self.environment_enabled and self.global_enabled


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


def _accounts(user, now: datetime) -> list[AccountHealth]:
    live = ~Q(campaigns__status=CampaignStatus.ARCHIVED)
    accounts = list(
        scoped(AdAccount.objects.filter(is_active=True), user)
        .annotate(
            spend=Sum("campaigns__spend_today", filter=live),
            limit=Sum("campaigns__max_daily_spend", filter=live),
            without_limit=Count(
                "campaigns", filter=live & Q(campaigns__max_daily_spend__isnull=True)
            ),
        )
        .select_related("organization")
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
    return [
        AccountHealth(
            id=a.pk,
            name=a.name,
            organization=a.organization.name,
            currency=a.currency,
            time_zone=a.time_zone,
            spend_today=a.spend or Decimal("0"),
            daily_limit=a.limit,
            campaigns_without_limit=a.without_limit,
            breaker=breakers.get(a.pk, (BreakerState.CLOSED, None))[0],
            breaker_retry_at=breakers.get(a.pk, (None, None))[1],
            quota_used=used.get((a.pk, days[a.pk]), 0),
            quota_limit=daily_operations_limit(a),
        )
        for a in accounts
    ]


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


def _switches(user) -> Switches:
    row = ExecutionSwitch.objects.filter(pk=ExecutionSwitch.SINGLETON_PK).first()
    return Switches(
        environment_enabled=settings.SPECTRA_EXECUTION_ENABLED,
        global_enabled=row is None or row.enabled,
        global_reason=row.reason if row else "",
        organizations_off=list(
            scoped(Organization.objects.filter(execution_enabled=False), user)
            .order_by("name")
            .values_list("name", flat=True)
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
    account_rows = _accounts(user, now)
    day_start = _day_start(account_rows, now)
    open_alerts = scoped(Alert.objects.filter(acknowledged_at__isnull=True), user)
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
        switches=_switches(user),
        tasks=_task_queue(now) if user.is_active and user.is_superuser else None,
        breakers=dict(Counter(a.breaker for a in account_rows)),
    )
