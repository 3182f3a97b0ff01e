"""Benchmark: sync 1,000 campaigns × 5 ad groups × 35 days from the sandbox over HTTP.

Prints wall time and query count for the first sync (all rows new) and a
second one (nothing changed), on a fresh SQLite database (or DATABASE_URL).

    .venv/bin/python bench/sync.py [--campaigns 1000] [--ad-groups 5] [--days 35]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--ad-groups", type=int, default=5)
    parser.add_argument("--days", type=int, default=35)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="spectra-bench-")
    os.environ.setdefault("SQLITE_PATH", str(Path(tmp) / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.actors import system_user
    from campaigns.models import DailyMetric, Organization
    from campaigns.services.accounts import account_set_credentials
    from executors.sandbox.process import SandboxProcess
    from executors.sync import sync_account
    from spectra.demo import SANDBOX_CREDENTIALS
    from tests.factories import make_account

    call_command("migrate", verbosity=0)
    start = date(2026, 1, 1)
    print(
        f"database: {connection.vendor}; world: {args.campaigns} campaigns × "
        f"{args.ad_groups} ad groups × {args.days} days"
    )
    t0 = time.perf_counter()
    # The sandbox runs in its own process, as a real platform would: serving
    # 175,000 rows must not compete with the sync for this process's GIL.
    with SandboxProcess(
        seed=11, campaigns=args.campaigns, ad_groups=args.ad_groups, days=args.days, start=start
    ) as sandbox:
        print(f"sandbox world built and serving in {time.perf_counter() - t0:.2f}s")
        org = Organization.objects.create(name="Bench", slug=f"bench-{int(time.time())}")
        account = make_account(org, api_base_url=sandbox.base_url)
        account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)
        account.refresh_from_db()
        window = (start, start + timedelta(days=args.days - 1))
        for label in ("first sync (all new)", "second sync (no change)"):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                run = sync_account(account=account, date_from=window[0], date_to=window[1])
                elapsed = time.perf_counter() - t0
            rows = DailyMetric.objects.filter(campaign__account=account).count()
            print(
                f"{label:<24} {elapsed:7.2f}s  {len(ctx.captured_queries):4d} queries  "
                f"created {run.metrics_created:>7}  updated {run.metrics_updated:>5}  "
                f"quarantined {run.rows_quarantined}  metric rows in db {rows}  "
                f"({rows / elapsed:,.0f} rows/s)"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (bench process incl. in-process sandbox): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
