"""Every worker sees the same breaker: the database holds it, conditional UPDATEs change it."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from campaigns.models import AdAccount
from executors.models import BreakerState, CircuitBreaker
from executors.resilience import breaker_allow, breaker_record_failure
from tests.executors.resilience.conftest import T0, race

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 16


def _open(account) -> None:
    for _ in range(3):
        breaker_record_failure(account, "503 from the platform", now=T0)


def test_exactly_one_of_many_concurrent_callers_gets_the_probe(alice, breaker_settings):
    account = alice.account
    _open(account)

    decisions = race(lambda: breaker_allow(account, now=T0 + timedelta(minutes=1)), WORKERS)

    assert sum(d.probe for d in decisions) == 1
    assert sum(d.allowed for d in decisions) == 1
    assert CircuitBreaker.objects.get(account=account).state == BreakerState.HALF_OPEN


def test_concurrent_failures_are_all_counted_and_open_the_breaker_once(alice, breaker_settings):
    account_id = alice.account.pk

    def fail():
        breaker_record_failure(AdAccount.objects.get(pk=account_id), "timeout", now=T0)

    race(fail, WORKERS)

    breaker = CircuitBreaker.objects.get(account_id=account_id)
    assert breaker.consecutive_failures == WORKERS
    assert breaker.state == BreakerState.OPEN
    assert breaker.failed_probes == 0
    assert breaker.retry_at == T0 + timedelta(seconds=60)


def test_a_breaker_opened_by_one_worker_is_open_for_the_others(alice, breaker_settings):
    account_id = alice.account.pk
    race(lambda: _open(AdAccount.objects.get(pk=account_id)), 1)  # another thread, connection

    def ask():
        return breaker_allow(AdAccount.objects.get(pk=account_id), now=T0 + timedelta(seconds=1))

    here = breaker_allow(alice.account, now=T0 + timedelta(seconds=1))
    elsewhere = race(ask, 1)[0]
    assert not here.allowed and not elsewhere.allowed
    assert here.retry_at == elsewhere.retry_at == T0 + timedelta(seconds=60)


def _environment_reaching_this_test_database() -> dict | None:
    """Environment variables that point another process at the test database, if it can."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return {"DATABASE_URL": f"postgres://{auth}@{host}{port}/{db['NAME']}"}
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return {"SQLITE_PATH": str(db["NAME"])}
    return None


def test_a_separate_process_sees_the_open_breaker(alice, breaker_settings):
    environment = _environment_reaching_this_test_database()
    if environment is None:
        pytest.skip("the test database is in memory; another process cannot open it")
    _open(alice.account)
    code = (
        "from datetime import datetime; from campaigns.models import AdAccount; "
        "from executors.resilience import breaker_allow; "
        f"d = breaker_allow(AdAccount.objects.get(pk={alice.account.pk}), "
        f"now=datetime.fromisoformat('{(T0 + timedelta(seconds=1)).isoformat()}')); "
        "print(d.allowed, d.retry_at.isoformat())"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "shell", "--verbosity", "0", "-c", code],
        env=os.environ | environment,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "False",
        (T0 + timedelta(seconds=60)).isoformat(),
    ]
