"""Benchmark: 5,000 approved budget changes executed against the sandbox.

    .venv/bin/python bench/execute.py [--platform adobe|google_ads]

    .venv/bin/python bench/execute.py [--changes 5000] [--workers 8] [--latency-ms 20]

The sandbox runs in its own process with 20 ms of latency per call and at most 200
writes per second per account. Workers are threads sharing one SQLite file (or
DATABASE_URL), each draining the same queue as qcluster workers would. Prints
changes/s, platform writes, duplicates and the outcome counts.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


MUTATES: list[int] = []
_request = requests.Session.request


def _counting_request(self, method, url, *args, **kwargs):
    """Count the Google mutate requests (and their operations) this process sends."""
    body = kwargs.get("json") or {}
    if url.endswith(":mutate") and not body.get("validateOnly"):
        MUTATES.append(len(body.get("operations", [])))
    return _request(self, method, url, *args, **kwargs)


requests.Session.request = _counting_request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--write-limit", type=float, default=200)
    parser.add_argument("--platform", choices=["adobe", "google_ads"], default="adobe")
    args = parser.parse_args()
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # The client-side limit sits just under the sandbox's 200 writes per second.
    os.environ.setdefault("PLATFORM_RATE_PER_SECOND", "190")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # As in production: no query log (DEBUG records and formats every SQL statement).
    settings.DEBUG = False
    from django.db import connection

    from campaigns.actors import system_user
    from campaigns.models import (
        Campaign,
        ExecutionMode,
        GuardrailPolicy,
        Organization,
        Recommendation,
        RecommendationKind,
        RecommendationStatus,
    )
    from campaigns.services.accounts import account_set_credentials
    from executors.pipeline import execute_approved
    from executors.sandbox.process import SandboxProcess
    from executors.sync import sync_account
    from spectra.demo import SANDBOX_CREDENTIALS
    from tests.factories import make_account

    call_command("migrate", verbosity=0)
    start = date(2026, 1, 1)
    with SandboxProcess(
        seed=5, campaigns=args.changes, ad_groups=1, days=2, start=start
    ) as sandbox:
        base = sandbox.base_url.rstrip("/")
        org = Organization.objects.create(name="Bench", slug="bench-execute")
        GuardrailPolicy.objects.create(organization=org, max_changes_per_run=None)
        if args.platform == "google_ads":
            from executors.sandbox.google_auth import GoogleAdsConfig

            config = GoogleAdsConfig()
            account = make_account(
                org,
                platform="google_ads",
                external_id=config.customer_id,
                api_base_url=f"{base}/googleads/",
                execution_mode=ExecutionMode.LIVE,
            )
            credentials = config.credentials()
        else:
            account = make_account(
                org, api_base_url=sandbox.base_url, execution_mode=ExecutionMode.LIVE
            )
            credentials = SANDBOX_CREDENTIALS
        account = account_set_credentials(account=account, actor=system_user(), values=credentials)
        sync_account(account=account, date_from=start, date_to=start + timedelta(days=1))
        actor = system_user()
        Recommendation.objects.bulk_create(
            [
                Recommendation(
                    account=account,
                    campaign=c,
                    kind=RecommendationKind.BUDGET,
                    status=RecommendationStatus.APPROVED,
                    decided_by=actor,
                    current_value=c.daily_budget,
                    proposed_value=(c.daily_budget * Decimal("1.1")).quantize(Decimal("0.01")),
                    reason="bench",
                )
                for c in Campaign.objects.filter(account=account)
            ],
            batch_size=2000,
        )
        requests.post(
            f"{base}/_sandbox/faults",
            timeout=10,
            json={"latencyMs": args.latency_ms, "writeRateLimit": args.write_limit},
        ).raise_for_status()
        connection.close()
        errors = []

        def worker():
            try:
                for _ in range(20):
                    if not execute_approved(account=account):
                        break
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()

        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
        writes = requests.get(f"{base}/_sandbox/writes", timeout=60).json()
        keys = [w["idempotencyKey"] for w in writes["writes"]]
        statuses = dict(
            Recommendation.objects.filter(account=account)
            .values_list("status")
            .annotate(n=django.db.models.Count("pk"))
            .values_list("status", "n")
        )
        executed = statuses.get(RecommendationStatus.EXECUTED, 0)
        print(
            f"{args.platform} path: {args.changes:,} budget changes, {args.workers} workers, "
            f"{args.latency_ms} ms latency, sandbox limit {args.write_limit:g} writes/s"
        )
        print(f"  {executed:,} executed in {seconds:.1f}s = {executed / seconds:,.0f} changes/s")
        print(
            f"  platform writes {len(keys):,}, distinct keys {len(set(keys)):,}, "
            f"sandbox duplicates {writes['duplicates']}, outcomes {statuses}"
        )
        if args.platform == "google_ads":
            print(f"  Google mutate requests sent: {len(MUTATES)} (operations each: {MUTATES})")
        if errors:
            print(f"  worker errors: {errors[:3]}")


if __name__ == "__main__":
    main()
