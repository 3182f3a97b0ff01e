"""A sandbox whose calendar ends today, accounts synced for 35 days, a worker in-process."""

import zoneinfo
from datetime import timedelta
from multiprocessing import Queue, Value

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.monitor import monitor
from django_q.signing import SignedPackage
from django_q.worker import worker

from campaigns.actors import system_user
from campaigns.models import Autonomy, ExecutionMode
from campaigns.services.accounts import account_set_credentials
from executors.clients.adobe import forget_cached_tokens
from executors.sandbox.server import SandboxServer
from executors.sync import sync_account
from executors.windows import account_today
from spectra.demo import DEMO_TIME_ZONE, SANDBOX_CREDENTIALS
from tests.factories import make_account

HISTORY_DAYS = 35


@pytest.fixture
def today_sandbox():
    forget_cached_tokens()
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)).date()
    with SandboxServer(
        seed=11,
        campaigns=8,
        ad_groups_per_campaign=2,
        audiences=4,
        history_days=HISTORY_DAYS,
        start_date=today - timedelta(days=HISTORY_DAYS),
    ) as server:
        yield server
    forget_cached_tokens()


def synced_account(org, sandbox, *, name="cycle account", **fields):
    account = make_account(
        org,
        name=name,
        api_base_url=sandbox.base_url,
        time_zone=DEMO_TIME_ZONE,
        execution_mode=fields.pop("execution_mode", ExecutionMode.LIVE),
        autonomy=fields.pop("autonomy", Autonomy.AUTO_LOW_RISK),
        **fields,
    )
    account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)
    account.refresh_from_db()
    yesterday = account_today(account) - timedelta(days=1)
    sync_account(
        account=account,
        date_from=yesterday - timedelta(days=HISTORY_DAYS - 1),
        date_to=yesterday,
    )
    return account


def drain_queue(capture) -> int:
    """Be a django-q2 cluster until the broker's queue is empty; returns tasks run.

    Each task goes through django-q2's own worker and monitor, so results land
    in its success and failure lists exactly as from `qcluster`; what a task
    enqueues on commit is queued (and run) in turn.
    """
    ran = 0
    broker = get_broker()
    while True:
        batch = broker.dequeue()
        if not batch:
            return ran
        for ack_id, pack in batch:
            tasks, results = Queue(), Queue()
            tasks.put(SignedPackage.loads(pack))
            tasks.put("STOP")
            with capture(execute=True):
                worker(tasks, results, Value("f", -1))
                results.put("STOP")
                monitor(results)
            broker.acknowledge(ack_id)
            ran += 1


@pytest.fixture
def _keep_test_connection(monkeypatch):
    # A real worker closes stale connections between tasks; here that connection
    # holds the test's transaction, so it stays open.
    import django_q.monitor
    import django_q.worker

    for module in (django_q.worker, django_q.monitor):
        monkeypatch.setattr(module, "close_old_django_connections", lambda: None)


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks, _keep_test_connection):
    return lambda: drain_queue(django_capture_on_commit_callbacks)


@pytest.fixture
def run_dispatch(django_capture_on_commit_callbacks, _keep_test_connection):
    """Dispatch as the scheduler would, then run every task the cycle enqueues."""
    from spectra.cycle import dispatch_cycles

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            summary = dispatch_cycles(**kwargs)
        drain_queue(django_capture_on_commit_callbacks)
        return summary

    return run
