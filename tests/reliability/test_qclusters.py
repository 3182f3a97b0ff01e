"""Real `qcluster` processes run the daily cycle: races between four of them (PostgreSQL),
and one killed with SIGKILL in the middle of its execution batch, then restarted.

The clusters are `manage.py qcluster` subprocesses on this test's database. Tasks
are delivered more than once on purpose: the execution step of each account is
queued twice more beside the cycle's own, and the broker's `retry` is a few seconds,
so a task a cluster took and did not acknowledge (a killed one, or one waiting in a
busy cluster's prefetch queue) is delivered again to another.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Failure, OrmQ
from django_q.tasks import async_task

from campaigns.models import AdAccount, Autonomy, Campaign, GuardrailPolicy, Recommendation
from campaigns.models import RecommendationStatus as R
from executors.pipeline import LEASE, execute_approved, recover_executions
from executors.sandbox.server import SandboxServer
from spectra.cycle import dispatch_cycles
from spectra.demo import DEMO_TIME_ZONE
from spectra.models import CycleRun, CycleStatus
from tests.executors.execution.conftest import sandbox_writes
from tests.executors.execution.test_separate_processes import _database_env
from tests.reliability.harness import HISTORY_DAYS, audit
from tests.spectra.cycle.conftest import synced_account

pytestmark = pytest.mark.django_db(transaction=True)

# First-day changes rest on an assumed response (medium risk): these clusters are to
# write them, so the accounts apply everything within the guardrails themselves.
AUTONOMOUS = Autonomy.AUTONOMOUS


def _cluster(*, timeout: int, retry: int, **env) -> subprocess.Popen:
    """`manage.py qcluster` in a session of its own, so its workers die with it.

    A task not acknowledged `retry` seconds after a cluster took it is delivered
    again — also while it still waits in that cluster's prefetch queue.
    """
    env = _database_env() | {
        "Q_WORKERS": "2",
        "Q_TIMEOUT_S": str(timeout),
        "Q_RETRY_S": str(retry),
        "Q_MAX_ATTEMPTS": "5",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _stop(*clusters: subprocess.Popen, sig=signal.SIGTERM) -> list[str]:
    """Stop clusters (SIGTERM to each main process: django-q2 stops its workers), or
    kill them outright with SIGKILL to the whole process group; returns their stderr."""
    for cluster in clusters:
        if cluster.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(cluster.pid, sig)
            else:
                cluster.send_signal(sig)
    errors = []
    for cluster in clusters:
        try:
            _, err = cluster.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            _, err = cluster.communicate(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(cluster.pid, signal.SIGKILL)  # any worker left behind
        errors.append(err.decode(errors="replace"))
    return errors


def _wait_until_idle(accounts, deadline_s: float) -> None:
    """Until every cycle finished and the broker's queue stayed empty for a while."""
    deadline, quiet = time.monotonic() + deadline_s, 0
    while quiet < 3:
        assert time.monotonic() < deadline, (
            f"not idle after {deadline_s:.0f}s: "
            f"{list(CycleRun.objects.values_list('status', 'step'))}, {OrmQ.objects.count()} queued"
        )
        open_cycles = CycleRun.objects.filter(
            account__in=accounts, status__in=[CycleStatus.QUEUED, CycleStatus.RUNNING]
        ).exists()
        quiet = 0 if open_cycles or OrmQ.objects.exists() else quiet + 1
        time.sleep(1)


def _finish_leftovers(accounts) -> None:
    """What recovery and the next cycle would do once the dead workers' leases ran out."""
    leases = [
        timezone.now() + LEASE,
        *Recommendation.objects.exclude(lease_expires_at=None).values_list(
            "lease_expires_at", flat=True
        ),
        *Campaign.objects.exclude(lock_expires_at=None).values_list("lock_expires_at", flat=True),
    ]
    recover_executions(now=max(leases) + timedelta(seconds=1))
    for account in accounts:
        execute_approved(account=account)


def _sandbox(seed: int, campaigns: int = 8, **options) -> SandboxServer:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(DEMO_TIME_ZONE))
    return SandboxServer(
        seed=seed,
        campaigns=campaigns,
        ad_groups_per_campaign=2,
        audiences=4,
        history_days=HISTORY_DAYS,
        start_date=today - timedelta(days=HISTORY_DAYS),
        **options,
    )


@pytest.fixture
def cycle_ready(alice):
    AdAccount.objects.update(is_active=False)
    GuardrailPolicy.objects.create(organization=alice.org, approval_threshold_pct=Decimal("30"))
    alice.org.max_concurrent_cycles = 10
    alice.org.save(update_fields=["max_concurrent_cycles"])
    return alice


@pytest.mark.postgres_only
def test_four_clusters_racing_over_the_same_accounts_apply_each_change_once(cycle_ready):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: four qcluster processes writing one SQLite file only take "
            "turns; .ci/run's PostgreSQL pass runs this"
        )
    alice = cycle_ready
    with _sandbox(21, latency_ms=60) as one, _sandbox(22, latency_ms=60) as two:
        pairs = [
            (synced_account(alice.org, sandbox, name=f"race {n}", autonomy=AUTONOMOUS), sandbox)
            for n, sandbox in enumerate((one, two))
        ]
        accounts = [account for account, _ in pairs]
        dispatch_cycles()
        # More deliveries racing the cycles' own execution steps on the same accounts.
        for account in accounts * 2:
            async_task("executors.tasks.execute_approved_task", account.pk)
        async_task("spectra.cycle.dispatch_cycles")
        clusters = [_cluster(timeout=3, retry=4) for _ in range(4)]
        try:
            _wait_until_idle(accounts, deadline_s=240)
        finally:
            errors = _stop(*clusters)
        _finish_leftovers(accounts)

        report = audit(pairs)
        assert report.approved > 0, "the cycles approved nothing: the race proved nothing"
        assert report.failures == dict.fromkeys(report.failures, 0), report
        assert not CycleRun.objects.filter(status=CycleStatus.FAILED).exists(), list(
            CycleRun.objects.values_list("error", flat=True)
        )
        deadlocks = [e for e in errors if "deadlock" in e.lower()]
        deadlocks += [f for f in Failure.objects.all() if "deadlock" in str(f.result).lower()]
        assert not deadlocks


def test_a_cluster_killed_mid_batch_is_recovered_with_nothing_lost_or_doubled(cycle_ready):
    alice = cycle_ready
    # Many campaigns and a slow platform: the execution step is a long batch.
    with _sandbox(31, campaigns=40, latency_ms=40) as sandbox:
        account = synced_account(alice.org, sandbox, name="crash", autonomy=AUTONOMOUS)
        dispatch_cycles()
        cluster = _cluster(timeout=20, retry=25)
        deadline = time.monotonic() + 180
        try:
            while len(sandbox_writes(sandbox)["writes"]) < 3:
                assert cluster.poll() is None, _stop(cluster)[0]
                assert time.monotonic() < deadline, "the cluster never started writing"
                time.sleep(0.02)
        finally:
            _stop(cluster, sig=signal.SIGKILL)
        executing = Recommendation.objects.filter(account=account, status=R.EXECUTING).count()
        approved = Recommendation.objects.filter(account=account, status=R.APPROVED).count()

        # The unacknowledged step is delivered again once `retry` has passed.
        restarted = _cluster(timeout=20, retry=25)
        try:
            _wait_until_idle([account], deadline_s=240)
        finally:
            _stop(restarted)
        _finish_leftovers([account])

        report = audit([(account, sandbox)])
        assert executing + approved > 0, "the kill came after the batch: it proved nothing"
        assert report.failures == dict.fromkeys(report.failures, 0), report


@pytest.mark.postgres_only
def test_four_clusters_hold_the_promises_where_gateways_answer_after_applying(cycle_ready):
    """The race above, against what real gateways do: 502/504 or a late answer after the
    write was applied, connections closed either side of it, and reads lagging behind."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: see the race above; .ci/run's PostgreSQL pass runs this")
    alice = cycle_ready
    with _sandbox(41, latency_ms=40) as one, _sandbox(42, latency_ms=40) as two:
        pairs = [
            (synced_account(alice.org, sandbox, name=f"gateway {n}", autonomy=AUTONOMOUS), sandbox)
            for n, sandbox in enumerate((one, two))
        ]
        accounts = [account for account, _ in pairs]
        for n, (_, sandbox) in enumerate(pairs):
            _faults(
                sandbox,
                rate=0.3,
                kinds=["502", "504", "slowAfter", "drop", "reset"],
                writesOnly=True,
                staleReadSeconds=1,
                slowSeconds=3,
                seed=n,
            )
        dispatch_cycles()
        for account in accounts:
            async_task("executors.tasks.execute_approved_task", account.pk)
        # A client that gives up after a second: a `slowAfter` answer comes too late.
        clusters = [_cluster(timeout=20, retry=25, PLATFORM_TIMEOUT_S="1") for _ in range(4)]
        try:
            _wait_until_idle(accounts, deadline_s=300)
        finally:
            errors = _stop(*clusters)
        for _, sandbox in pairs:
            _faults(sandbox, rate=0)
        time.sleep(1.5)  # the reads catch up, as they would within a lease
        _finish_leftovers(accounts)

        report = audit(pairs)
        assert report.approved > 0, "the cycles approved nothing: the race proved nothing"
        assert sum(_applied_unanswered(s) for _, s in pairs) > 0, "no write met a gateway fault"
        assert report.failures == dict.fromkeys(report.failures, 0), (report, errors[:1])


def _faults(sandbox, **config) -> None:
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json=config, timeout=10).raise_for_status()


def _applied_unanswered(sandbox) -> int:
    tally = requests.get(f"{sandbox.base_url}/_sandbox/faults/tally", timeout=10).json()
    return tally["injected"].get("appliedUnanswered", 0)
