"""Benchmark: one optimisation run over 10,000 campaigns × 5 ad groups × 35 days (SQLite).

    .venv/bin/python bench/optimizer.py [--campaigns 10000] [--ad-groups 5] [--days 35]

Builds the account in a fresh SQLite file (1.75 M DailyMetric rows), then, in a fresh
process so the peak memory is the run's own, times one raw SQL aggregate over the
same rows and one full `optimize_account` (load → plan → persist), and prints wall
time, queries and peak RSS.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AS_OF = date(2026, 11, 1)


def setup_django(db_path: str) -> None:
    os.environ["SQLITE_PATH"] = db_path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def build(db_path: str, campaigns: int, ad_groups: int, days: int) -> None:
    import numpy as np

    setup_django(db_path)
    from django.core.management import call_command
    from django.db import connection, transaction

    from campaigns.models import AdGroup, Campaign, CampaignStatus, DailyMetric
    from tests.factories import make_account, make_org

    call_command("migrate", verbosity=0)
    account = make_account(make_org("Bench"), name="Bench account")
    rng = np.random.default_rng(7)
    Campaign.objects.bulk_create(
        [
            Campaign(
                account=account,
                external_id=f"C{i}",
                name=f"Campaign {i}",
                status=CampaignStatus.ACTIVE,
                daily_budget=float(rng.integers(500, 50000)),
            )
            for i in range(campaigns)
        ],
        batch_size=2000,
    )
    campaign_ids = list(Campaign.objects.filter(account=account).values_list("pk", flat=True))
    AdGroup.objects.bulk_create(
        [
            AdGroup(
                campaign_id=c,
                external_id=f"G{c}-{g}",
                name=f"Ad group {g}",
                bid=12.5,
                quality_score=int(rng.integers(3, 10)),
            )
            for c in campaign_ids
            for g in range(ad_groups)
        ],
        batch_size=5000,
    )
    groups = list(
        AdGroup.objects.filter(campaign__account=account).values_list("pk", "campaign_id")
    )
    table = DailyMetric._meta.db_table
    sql = (
        f"INSERT INTO {table} (ad_group_id, campaign_id, date, impressions, clicks, "
        "conversions, conversion_value, spend, synced_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    now = datetime.now().isoformat()
    roas = rng.lognormal(1.0, 0.5, len(groups))
    for d in range(days):
        day = (AS_OF - timedelta(days=days - d)).isoformat()
        noise = rng.lognormal(0, 0.15, len(groups))
        spend = 200 * noise
        clicks = (spend / 2).astype(int)
        conv = np.round(clicks * 0.05 * rng.lognormal(0, 0.2, len(groups)), 2)
        rows = [
            (
                g,
                c,
                day,
                int(cl * 20),
                int(cl),
                float(cv),
                float(round(s * r, 2)),
                float(round(s, 2)),
                now,
            )
            for (g, c), s, cl, cv, r in zip(groups, spend, clicks, conv, roas, strict=True)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    print(
        f"built {campaigns:,} campaigns, {len(groups):,} ad groups, "
        f"{DailyMetric.objects.count():,} metric rows"
    )


def measure(db_path: str) -> None:
    setup_django(db_path)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from campaigns.actors import system_user
    from campaigns.models import AdAccount, DailyMetric, Recommendation
    from optimizer.models import OptimizationRun
    from optimizer.services import optimize_account

    account = AdAccount.objects.get(name="Bench account")
    system_user()
    # Runs are idempotent per day: re-measuring needs the earlier run gone.
    Recommendation.objects.filter(account=account).delete()
    OptimizationRun.objects.filter(account=account).delete()
    table, campaign_table = DailyMetric._meta.db_table, "campaigns_campaign"
    raw = (
        f"SELECT m.campaign_id, m.date, SUM(m.impressions), SUM(m.clicks), "
        f"SUM(m.conversions), SUM(m.conversion_value), SUM(m.spend) FROM {table} m "
        f"JOIN {campaign_table} c ON c.id = m.campaign_id WHERE c.account_id = %s "
        "GROUP BY m.campaign_id, m.date"
    )
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute(raw, [account.pk])
        rows = cursor.fetchall()
        raw_seconds = time.perf_counter() - t0
    print(
        f"raw SQL aggregate (campaign × day over all rows): {raw_seconds:.2f}s, "
        f"{len(rows):,} groups"
    )
    now = timezone.make_aware(datetime.combine(AS_OF, datetime.min.time()))
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        run = optimize_account(account=account, as_of=AS_OF, now=now)
        seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"optimize_account: {seconds:.2f}s ({seconds / raw_seconds:.2f}× the raw aggregate), "
        f"{len(ctx.captured_queries)} queries, peak RSS {peak_mb:.0f} MB"
    )
    print(f"  phases: {run.summary.get('seconds')}")
    print(
        f"  proposed {run.proposed:,}, held {run.held:,}, "
        f"recommendations stored {Recommendation.objects.filter(run=run).count():,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--ad-groups", type=int, default=5)
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--phase", choices=["all", "build", "measure"], default="all")
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    db_path = args.db or str(Path(tempfile.mkdtemp(prefix="spectra-bench-")) / "bench.sqlite3")
    if args.phase in ("all", "build"):
        t0 = time.perf_counter()
        build(db_path, args.campaigns, args.ad_groups, args.days)
        print(f"(built in {time.perf_counter() - t0:.0f}s)")
    if args.phase == "all":
        # A fresh process: its peak memory is the optimisation's alone.
        subprocess.run(
            [sys.executable, __file__, "--phase", "measure", "--db", db_path], check=True
        )
    elif args.phase == "measure":
        measure(db_path)


if __name__ == "__main__":
    main()
