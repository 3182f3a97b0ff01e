"""Separate worker processes on one database: no duplicate, nothing lost — even after kill -9.

The processes are real `manage.py execute` runs against this test's database (the
SQLite file or the PostgreSQL test database) and the live sandbox, as qcluster
workers on several machines would be.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from campaigns.actors import system_user
from campaigns.models import (
    Campaign,
    ExecutionMode,
    GuardrailPolicy,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from campaigns.services.accounts import account_set_credentials
from executors.clients.adobe import forget_cached_tokens
from executors.pipeline import recover_executions
from executors.sandbox.server import SandboxServer
from executors.sync import sync_account
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.conftest import START
from tests.executors.execution.conftest import sandbox_writes
from tests.factories import make_account

CHANGES = 500


def _database_env() -> dict:
    env = os.environ | {"LOG_LEVEL": "ERROR", "PLATFORM_RATE_PER_SECOND": "1000"}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def _worker(account) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "execute",
            "--account",
            str(account.pk),
        ],
        env=_database_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _finish(worker: subprocess.Popen) -> None:
    _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err.decode()[-2000:]


@pytest.fixture
def big_account(alice):
    forget_cached_tokens()
    with SandboxServer(
        seed=9,
        campaigns=CHANGES,
        ad_groups_per_campaign=1,
        audiences=0,
        history_days=2,
        start_date=START,
    ) as sandbox:
        account = make_account(
            alice.org, api_base_url=sandbox.base_url, execution_mode=ExecutionMode.LIVE
        )
        account = account_set_credentials(
            account=account, actor=system_user(), values=SANDBOX_CREDENTIALS
        )
        sync_account(account=account, date_from=START, date_to=START)
        # No daily maximum: this is about duplicates, not about the learning-rate limit.
        GuardrailPolicy.objects.create(organization=alice.org, max_changes_per_run=None)
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    account=account,
                    campaign=c,
                    kind=RecommendationKind.BUDGET,
                    status=RecommendationStatus.APPROVED,
                    decided_by=alice.approver,
                    current_value=c.daily_budget,
                    proposed_value=(c.daily_budget * Decimal("1.1")).quantize(Decimal("0.01")),
                    reason="separate processes",
                )
                for c in Campaign.objects.filter(account=account)
            ]
        )
        yield sandbox, account


def _assert_each_change_applied_once(sandbox, account):
    writes = sandbox_writes(sandbox)
    keys = [w["idempotencyKey"] for w in writes["writes"]]
    assert len(keys) == len(set(keys)) == CHANGES
    assert writes["duplicates"] == 0
    assert set(Recommendation.objects.filter(account=account).values_list("status", flat=True)) == {
        RecommendationStatus.EXECUTED
    }


@pytest.mark.django_db(transaction=True)
def test_three_worker_processes_write_every_change_exactly_once(big_account):
    sandbox, account = big_account

    for worker in [_worker(account) for _ in range(3)]:
        _finish(worker)
    _finish(_worker(account))  # whatever waited on a lock

    _assert_each_change_applied_once(sandbox, account)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_recovered_without_duplicates(big_account):
    sandbox, account = big_account

    worker = _worker(account)
    deadline = time.monotonic() + 60
    while len(sandbox_writes(sandbox)["writes"]) < CHANGES // 4:
        assert time.monotonic() < deadline, "the worker never started writing"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    # What the dead worker claimed is EXECUTING with a lease; once it runs out,
    # recovery reads each back and finishes it; a fresh worker does the rest.
    leases = [
        *Recommendation.objects.exclude(lease_expires_at=None).values_list(
            "lease_expires_at", flat=True
        ),
        *Campaign.objects.exclude(lock_expires_at=None).values_list("lock_expires_at", flat=True),
    ]
    if leases:  # as if recovery ran once the dead worker's leases had run out
        recover_executions(now=max(leases) + timedelta(seconds=1))
    _finish(_worker(account))
    _finish(_worker(account))  # anything that waited on a lock during the rerun

    _assert_each_change_applied_once(sandbox, account)
