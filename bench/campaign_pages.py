"""Benchmark: the campaign list with its KPI columns, the ad-group list, the campaign page
(90 days against the period before) and its versions page, at the size of a large account.

    .venv/bin/python bench/campaign_pages.py [--campaigns 1000] [--days 180] [--versions 2000]

Builds its own database (SQLite under a temporary directory, or DATABASE_URL): one
organization, two accounts in two time zones, `--campaigns` campaigns of two ad groups
with `--days` days of metrics each, and one campaign with `--versions` versions, three
in four of them the execution lock taken and given back (what the history toggle folds).
Prints the median time and the query count of each page, as an analyst renders it
through Django's test client.

Targets: each list page < 300 ms (100 rows, the KPIs summed in the database), the
campaign page < 300 ms, the versions page < 300 ms however long the history. Measured on
SQLite, 1,000 campaigns × 180 days (360,000 metrics), 2,000 versions: the lists 86–113 ms
(10 queries), the last 90 days sorted by CPA 370 ms (SQLite sums every row's window before
it sorts), the campaign page 51–53 ms (14), the versions page 56–68 ms (9), the object
history 117 ms (11).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="spectra-bench-")
    os.environ.setdefault("SQLITE_PATH", str(Path(tmp) / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from campaigns.account_time import account_today
    from campaigns.admin.campaigns import CampaignAdmin
    from campaigns.models import AdGroup, Campaign, DailyMetric, Organization, Role
    from tests.factories import make_account, make_user

    setup_test_environment()
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

    t0 = time.perf_counter()
    org = Organization.objects.create(name="Bench", slug="bench")
    accounts = [
        make_account(org, name="India", time_zone="Asia/Kolkata"),
        make_account(org, name="West coast", time_zone="America/Los_Angeles", currency="USD"),
    ]
    Campaign.objects.bulk_create(
        Campaign(
            account=accounts[c % 2],
            external_id=f"C{c}",
            name=f"Campaign {c}",
            status="active",
            daily_budget=5000,
        )
        for c in range(args.campaigns)
    )
    campaigns = list(Campaign.objects.order_by("pk"))
    AdGroup.objects.bulk_create(
        AdGroup(campaign=c, external_id=f"G{c.pk}-{g}", name=f"Group {c.pk}-{g}", bid=10)
        for c in campaigns
        for g in range(2)
    )
    groups = list(AdGroup.objects.select_related("campaign"))
    today = account_today(accounts[0])
    now = timezone.now()
    batch = []
    for group in groups:
        for age in range(1, args.days + 1):
            batch.append(
                DailyMetric(
                    ad_group=group,
                    campaign=group.campaign,
                    date=today - timedelta(days=age),
                    impressions=10_000,
                    clicks=200 + (group.pk + age) % 50,
                    conversions=(group.pk * 7 + age) % 23,
                    conversion_value=((group.pk * 13 + age) % 40) * 250,
                    spend=2000 + (group.pk + age) % 900,
                    synced_at=now,
                )
            )
        if len(batch) >= 50_000:
            DailyMetric.objects.bulk_create(batch)
            batch = []
    DailyMetric.objects.bulk_create(batch)
    _versions(campaigns[0], args.versions, today)
    analyst = make_user("bench-analyst", org, Role.ANALYST)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"set up {len(campaigns):,} campaigns, {DailyMetric.objects.count():,} daily metrics, "
        f"{campaigns[0].history.count():,} versions of one campaign "
        f"in {time.perf_counter() - t0:.1f}s"
    )

    client = Client()
    client.force_login(analyst)
    cpa = ["action_checkbox", *CampaignAdmin.list_display].index("kpi_cpa_display")
    first = campaigns[0].pk
    pages = {
        "campaign list (KPIs, last 7 days)": "/admin/campaigns/campaign/",
        "… sorted by CPA": f"/admin/campaigns/campaign/?o={cpa}",
        "… last 90 days, sorted by CPA": f"/admin/campaigns/campaign/?kpi_days=90&o={cpa}",
        "ad-group list (KPIs, last 7 days)": "/admin/campaigns/adgroup/",
        "campaign page (35 days vs previous)": f"/admin/campaigns/campaign/{first}/change/",
        "… 90 days vs last year": (
            f"/admin/campaigns/campaign/{first}/change/?days=90&compare=last_year"
        ),
        "versions page (system changes folded)": f"/admin/campaigns/campaign/{first}/versions/",
        "… shown": f"/admin/campaigns/campaign/{first}/versions/?system=1",
        "object history (folded)": f"/admin/campaigns/campaign/{first}/history/",
    }
    print(f"{'page':44} {'median ms':>10} {'queries':>8}")
    for label, url in pages.items():
        client.get(url)  # warm
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t1 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t1) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:44} {statistics.median(times):10.1f} {len(ctx.captured_queries):8d}")


def _versions(campaign, count: int, today: date) -> None:
    """`count` versions: one real budget change in four, the lock taken and given back
    by the system between them."""
    from campaigns.actors import system_user
    from campaigns.models import Campaign

    history = Campaign.history.model
    system = system_user()
    start = datetime.combine(today - timedelta(days=365), clock(0), UTC)
    rows, budget = [], 5000
    for n in range(count):
        kind = n % 4
        status = "optimizing" if kind == 1 else "active"
        if kind == 3:
            budget += 10
        rows.append(
            history(
                id=campaign.pk,
                account_id=campaign.account_id,
                external_id=campaign.external_id,
                name=campaign.name,
                status=status,
                daily_budget=budget,
                is_pinned=False,
                lock_expires_at=start if kind == 1 else None,
                created_at=campaign.created_at,
                updated_at=start + timedelta(hours=n),
                history_date=start + timedelta(hours=n),
                history_type="~",
                history_user=system,
                history_change_reason="Executed" if kind == 3 else "Lock",
            )
        )
    history.objects.bulk_create(rows)


if __name__ == "__main__":
    main()
