"""Benchmark: the approval queue with 1,000,000 recommendations, and 10,000 approvals at once.

    .venv/bin/python bench/admin.py [--recommendations 1000000] [--bulk 10000] [--sets 200]

Builds its own database (SQLite under a temporary directory, or DATABASE_URL): two
organizations, ten ad accounts, a thousand campaigns and `--recommendations` rows, the
newest `--bulk` × 10 of them awaiting approval (`--bulk` per account). Then, as an
approver rendering through Django's test client, prints the time and query count of:

- the approval-queue changelist (pending, newest run first), plain and with filters;
- the queue as the console links it: `--sets` pending reallocations of 48 legs each,
  one row per set beside the single changes, newest first and sorted by impact;
- approving `--bulk` pending recommendations through the admin's "Approve selected"
  (every pending one of one account, chosen with "select all"), history rows included.

Targets: the page < 300 ms and <= 12 queries; the bulk approval < 10 s. The queue of
reallocations draws every leg of the page's sets (100 sets of 48: 4,800 lines): < 1 s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNTS = 10  # the first eight belong to the approver's organization
CAMPAIGNS_PER_ACCOUNT = 100
EVIDENCE = (
    '{"marginal_roas": 3.1, "portfolio_marginal_roas": 2.4, "series": {"dates": '
    '["2026-02-20", "2026-02-21", "2026-02-22"], "spend": [4800.0, 5100.0, 4950.0], '
    '"value": [15100.0, 16020.5, 15500.0]}}'
)


def _insert_recommendations(connection, *, total: int, pending: int, account0: int, campaign0: int):
    """Insert `total` rows in one statement; n = 1 is the newest."""
    if connection.vendor == "postgresql":
        series = "SELECT generate_series(1, %(total)s) AS n"
        key = "md5(n::text)::uuid"
        created = "TIMESTAMPTZ '2026-03-01 00:00:00+00' - n * INTERVAL '1 second'"
        evidence, true = "%(evidence)s::jsonb", "TRUE"
    else:
        series = (
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
            "WHERE n < %(total)s) SELECT n FROM seq"
        )
        key = "printf('%%032x', n)"
        created = (
            "strftime('%%Y-%%m-%%d %%H:%%M:%%f', '2026-03-01 00:00:00', '-' || n || ' seconds')"
        )
        evidence, true = "%(evidence)s", "1"
    sql = f"""
        INSERT INTO campaigns_recommendation (
            account_id, campaign_id, kind, status, source, current_value, proposed_value,
            reason, evidence, confidence, expected_impact, risk, policy_version,
            requires_approval, decision_note, idempotency_key, attempts, outcome_detail,
            created_at, updated_at)
        SELECT
            %(account0)s + n %% {ACCOUNTS},
            %(campaign0)s + (n %% {ACCOUNTS}) * {CAMPAIGNS_PER_ACCOUNT}
                + (n / {ACCOUNTS}) %% {CAMPAIGNS_PER_ACCOUNT},
            'budget',
            CASE WHEN n <= %(pending)s THEN 'proposed'
                 WHEN n %% 4 = 0 THEN 'rejected'
                 WHEN n %% 4 = 1 THEN 'expired'
                 WHEN n %% 4 = 2 THEN 'executed'
                 ELSE 'simulated' END,
            'optimizer',
            5000 + (n %% 100) * 100,
            (5000 + (n %% 100) * 100) * 1.2,
            'Raise the daily budget: the last rupee here brings more conversion value than '
                || 'the portfolio margin. Expected +1,200.50/day in conversion value.',
            {evidence},
            0.9,
            1200.50,
            CASE n %% 3 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' ELSE 'high' END,
            1,
            {true},
            '',
            {key},
            0,
            '',
            {created},
            {created}
        FROM ({series}) AS seq
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "total": total,
                "pending": pending,
                "account0": account0,
                "campaign0": campaign0,
                "evidence": EVIDENCE,
            },
        )


def _group_into_change_sets(accounts, *, sets: int, legs: int = 48) -> None:
    """Make `sets` reallocations of `legs` pending budgets each, round the accounts."""
    from campaigns.models import ChangeSet, Recommendation

    for k in range(sets):
        account = accounts[k % len(accounts)]
        chosen = list(
            Recommendation.objects.filter(
                account=account, status="proposed", change_set__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:legs]
        )
        change_set = ChangeSet.objects.create(
            account=account, total_before=0, total_after=0, reason="bench reallocation"
        )
        Recommendation.objects.filter(pk__in=chosen).update(change_set=change_set)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--sets", type=int, default=200, help="pending 48-leg reallocations")
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

    from campaigns.admin.recommendations import RecommendationAdmin
    from campaigns.models import Campaign, Organization, Recommendation, Role
    from tests.factories import make_account, make_user

    setup_test_environment()  # the test client's host, and template context capture
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

    t0 = time.perf_counter()
    orgs = [Organization.objects.create(name=f"Bench {i}", slug=f"bench-{i}") for i in (1, 2)]
    accounts = [make_account(orgs[0 if i < 8 else 1], name=f"account {i}") for i in range(ACCOUNTS)]
    assert [a.pk for a in accounts] == list(range(accounts[0].pk, accounts[0].pk + ACCOUNTS))
    Campaign.objects.bulk_create(
        Campaign(
            account=account,
            external_id=f"C{a}-{c}",
            name=f"Campaign {a}-{c}",
            status="active",
            daily_budget=5000,
        )
        for a, account in enumerate(accounts)
        for c in range(CAMPAIGNS_PER_ACCOUNT)
    )
    campaign0 = Campaign.objects.order_by("pk").values_list("pk", flat=True).first()
    _insert_recommendations(
        connection,
        total=args.recommendations,
        pending=args.bulk * ACCOUNTS,
        account0=accounts[0].pk,
        campaign0=campaign0,
    )
    _group_into_change_sets(accounts, sets=args.sets)
    approver = make_user("bench-approver", orgs[0], Role.APPROVER)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a long-lived database has
    print(
        f"set up {Recommendation.objects.count():,} recommendations "
        f"({args.bulk * ACCOUNTS:,} pending) in {time.perf_counter() - t0:.1f}s"
    )

    client = Client()
    client.force_login(approver)
    impact_column = ["action_checkbox", *RecommendationAdmin.list_display].index("impact_short")
    base = "/admin/campaigns/recommendation/"
    pages = {
        "approval queue (pending, newest first)": f"{base}?status__exact=proposed",
        "… filtered by account": f"{base}?status__exact=proposed&account={accounts[3].pk}",
        "… by account, kind, risk, approval": (
            f"{base}?status__exact=proposed&account={accounts[3].pk}&kind__exact=budget"
            "&risk__exact=high&requires_approval__exact=1"
        ),
        "… page 50": f"{base}?status__exact=proposed&p=50",
        "queue, one row per reallocation": f"{base}?sets=grouped&status__exact=proposed",
        "… sorted by impact (a set's: its total)": (
            f"{base}?sets=grouped&status__exact=proposed&o=-{impact_column}"
        ),
        "… one account": (f"{base}?sets=grouped&status__exact=proposed&account={accounts[3].pk}"),
        "all recommendations": base,
    }
    print(f"\n{'page':<42} {'median ms':>10} {'max ms':>8} {'queries':>8} {'rows':>6}")
    for label, url in pages.items():
        client.get(url)  # warm: templates, content types, the database's page cache
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        rows = len(response.context["cl"].result_list)
        print(
            f"{label:<42} {statistics.median(times):10.1f} {max(times):8.1f} "
            f"{len(ctx.captured_queries):8d} {rows:6d}"
        )

    account = accounts[0]
    # The single changes: a leg is decided with its set (bench/decisions.py times sets).
    pending = Recommendation.objects.filter(
        account=account, status="proposed", change_set__isnull=True
    )
    chosen = pending.count()
    history_before = Recommendation.history.count()
    url = f"{base}?status__exact=proposed&change_set__isnull=True&account={account.pk}"
    form = {
        "action": "approve_selected",
        "select_across": "1",
        "_selected_action": [pending.values_list("pk", flat=True).first()],
        "post": "yes",
        "note": "bench",
    }
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.post(url, form)
        elapsed = time.perf_counter() - t0
    assert response.status_code == 302, response.status_code
    approved = Recommendation.objects.filter(account=account, status="approved").count()
    history = Recommendation.history.count() - history_before
    print(
        f"\nbulk approval of {chosen:,} (admin 'Approve selected', select all): "
        f"{elapsed:.2f}s, {len(ctx.captured_queries)} queries; "
        f"{approved:,} approved, {history:,} history rows"
    )


if __name__ == "__main__":
    main()
