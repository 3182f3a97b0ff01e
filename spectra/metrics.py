"""Spectra's figures for Prometheus, read from the database when Prometheus scrapes.

The work happens in many processes on many machines (web, any number of qclusters),
so counting in process memory would need Prometheus' multiprocess mode and still miss
the other machines. The database already holds every outcome — the append-only
execution log, the breakers, the quota counters, the queue on the ORM broker — so one
scrape reads them all, with a constant number of grouped queries whatever the fleet's
size. Labels are ids and kinds, never names or paths (bounded series, no client names).
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from campaigns.models import AdAccount, Campaign, Recommendation, RecommendationStatus
from creative.models import AICall, ProviderHealth
from executors.models import ApiQuotaUsage, CircuitBreaker, ExecutionLog

QUEUE_SAMPLE = 10_000  # tasks decoded per scrape for per-kind depth and age
# What a held change waits for, by the start of its reason (executors.pipeline.gate).
WAIT_REASONS = (
    ("rate limit", "rate_limit"),
    ("circuit breaker", "breaker"),
    ("quota", "quota"),
    ("kill switch", "kill_switch"),
    ("writes are off", "kill_switch"),
)


def wait_reason(detail: str) -> str:
    text = detail.lower()
    for start, label in WAIT_REASONS:
        if start in text:
            return label
    return "other"


def _queued_packages() -> list[str]:
    """Signed task packages waiting in the broker, oldest first (a bounded sample)."""
    broker = get_broker()
    if settings.SPECTRA_BROKER == "redis":
        return [
            p.decode() if isinstance(p, bytes) else p
            for p in broker.connection.lrange(broker.list_key, 0, QUEUE_SAMPLE - 1)
        ]
    return list(
        OrmQ.objects.filter(key=broker.list_key)
        .order_by("id")
        .values_list("payload", flat=True)[:QUEUE_SAMPLE]
    )


def queue_by_kind(packages: list[str], now: datetime) -> dict[str, tuple[int, float]]:
    """Task function → (tasks waiting, age in seconds of the oldest)."""
    depth: Counter = Counter()
    oldest: dict[str, float] = defaultdict(float)
    for package in packages:
        try:
            task = SignedPackage.loads(package)
        except Exception:  # a package we cannot read (bad signature, old code) still waits
            depth["unreadable"] += 1
            continue
        func = task.get("func")
        kind = func if isinstance(func, str) else getattr(func, "__qualname__", "unknown")
        depth[kind] += 1
        started = task.get("started")
        if isinstance(started, datetime):
            oldest[kind] = max(oldest[kind], (now - started).total_seconds())
    return {kind: (n, oldest[kind]) for kind, n in depth.items()}


class SpectraCollector:
    """A prometheus_client collector: every figure below, fresh at each scrape."""

    def collect(self):
        now = timezone.now()
        yield from self._queue(now)
        yield from self._executions()
        yield from self._waiting(now)
        yield from self._breakers()
        yield from self._quota(now)
        yield from self._accounts(now)
        yield from self._ai()

    def _queue(self, now):
        depth = GaugeMetricFamily(
            "spectra_queue_tasks", "Tasks waiting in the queue, by task.", labels=["task"]
        )
        age = GaugeMetricFamily(
            "spectra_queue_oldest_task_age_seconds",
            "Age of the oldest task waiting, by task.",
            labels=["task"],
        )
        for kind, (n, oldest) in sorted(queue_by_kind(_queued_packages(), now).items()):
            depth.add_metric([kind], n)
            age.add_metric([kind], oldest)
        yield depth
        yield age

    def _executions(self):
        family = CounterMetricFamily(
            "spectra_executions",
            "Platform writes of approved changes, by platform and outcome (the execution log).",
            labels=["platform", "outcome"],
        )
        rows = ExecutionLog.objects.values("account__platform", "outcome").annotate(n=Count("id"))
        for row in rows.order_by():
            family.add_metric([row["account__platform"], row["outcome"]], row["n"])
        yield family

    def _waiting(self, now):
        family = GaugeMetricFamily(
            "spectra_changes_waiting",
            "Approved changes held back until later, by platform and what they wait for.",
            labels=["platform", "reason"],
        )
        waiting = Counter()
        rows = Recommendation.objects.filter(
            status=RecommendationStatus.APPROVED, not_before__gt=now
        ).values_list("account__platform", "outcome_detail")
        for platform, detail in rows.iterator():
            waiting[(platform, wait_reason(detail))] += 1
        for (platform, reason), n in sorted(waiting.items()):
            family.add_metric([platform, reason], n)
        yield family

    def _breakers(self):
        family = GaugeMetricFamily(
            "spectra_circuit_breakers",
            "Circuit breakers by what they guard (platform accounts, AI providers) and state.",
            labels=["guards", "state"],
        )
        for guards, model in (
            ("platform_account", CircuitBreaker),
            ("ai_provider", ProviderHealth),
        ):
            for row in model.objects.values("state").annotate(n=Count("id")).order_by():
                family.add_metric([guards, row["state"]], row["n"])
        yield family

    def _quota(self, now):
        used = GaugeMetricFamily(
            "spectra_platform_operations_today",
            "Operations sent to the platform on the account's current day.",
            labels=["account", "platform"],
        )
        limit = GaugeMetricFamily(
            "spectra_platform_operations_limit",
            "The account's daily operations quota (absent: no limit).",
            labels=["account", "platform"],
        )
        # The newest day per account is its current one (days are account-local).
        newest = {}
        rows = ApiQuotaUsage.objects.filter(day__gte=(now - timedelta(days=2)).date()).values_list(
            "account_id", "account__platform", "day", "operations"
        )
        for account_id, platform, day, operations in rows:
            if account_id not in newest or day > newest[account_id][1]:
                newest[account_id] = (platform, day, operations)
        for account_id, (platform, _day, operations) in sorted(newest.items()):
            labels = [str(account_id), platform]
            used.add_metric(labels, operations)
            cap = settings.PLATFORM_DAILY_OPERATIONS.get(platform, 0)
            if cap:
                limit.add_metric(labels, cap)
        yield used
        yield limit

    def _accounts(self, now):
        lag = GaugeMetricFamily(
            "spectra_sync_lag_seconds",
            "Time since the account's last successful sync.",
            labels=["account", "platform"],
        )
        for account_id, platform, synced in AdAccount.objects.filter(
            last_synced_at__isnull=False
        ).values_list("id", "platform", "last_synced_at"):
            lag.add_metric([str(account_id), platform], (now - synced).total_seconds())
        yield lag

        pacing = GaugeMetricFamily(
            "spectra_spend_pacing_ratio",
            "Today's spend over the daily spend limit, the highest of the account's campaigns.",
            labels=["account"],
        )
        over = GaugeMetricFamily(
            "spectra_campaigns_near_spend_limit",
            "Campaigns whose spend today is at least 80 % of their daily spend limit.",
            labels=["account"],
        )
        # As floats: SQLite divides whole-number decimals as integers (900 / 1000 = 0).
        ratio = Cast("spend_today", FloatField()) / Cast("max_daily_spend", FloatField())
        rows = (
            Campaign.objects.filter(max_daily_spend__isnull=False)
            .values("account_id")
            .annotate(
                highest=Max(ratio),
                near=Count("id", filter=Q(spend_today__gte=F("max_daily_spend") * 0.8)),
            )
            .order_by()
        )
        for row in rows:
            pacing.add_metric([str(row["account_id"])], float(row["highest"] or 0))
            over.add_metric([str(row["account_id"])], row["near"])
        yield pacing
        yield over

    def _ai(self):
        calls = CounterMetricFamily(
            "spectra_ai_calls",
            "Calls to AI providers, by purpose, model and outcome.",
            labels=["purpose", "model", "outcome"],
        )
        cost = CounterMetricFamily(
            "spectra_ai_cost_usd", "What AI calls cost, in US dollars, by model.", labels=["model"]
        )
        tokens = CounterMetricFamily(
            "spectra_ai_tokens",
            "Tokens sent and received, by model.",
            labels=["model", "direction"],
        )
        per_model = defaultdict(lambda: [0, 0, 0])
        rows = AICall.objects.values("purpose", "model", "outcome").annotate(
            n=Count("id"), usd=Sum("cost"), sent=Sum("input_tokens"), got=Sum("output_tokens")
        )
        for row in rows.order_by():
            calls.add_metric([row["purpose"], row["model"], row["outcome"]], row["n"])
            totals = per_model[row["model"]]
            totals[0] += float(row["usd"] or 0)
            totals[1] += row["sent"] or 0
            totals[2] += row["got"] or 0
        for model, (usd, sent, got) in sorted(per_model.items()):
            cost.add_metric([model], usd)
            tokens.add_metric([model, "input"], sent)
            tokens.add_metric([model, "output"], got)
        yield calls
        yield cost
        yield tokens
