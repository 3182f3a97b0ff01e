"""Reliability: the daily cycle under a fault mix, for days, on many accounts.

    .venv/bin/python bench/reliability.py            # the long form (a few minutes)
    .venv/bin/python bench/reliability.py --short    # what CI runs (tests/reliability)

Each account (Adobe, Google Ads and a dry-run one) has a sandbox of its own that
injects 5xx, 429 with Retry-After, slow answers past the client timeout, dropped
connections and cut-off JSON at `--fault-rate`, and what real gateways do: a 502/504
or a late answer after the write was applied, a connection closed before or after the
request was handled, and reads that lag behind writes for a couple of seconds. The
real cycle runs every simulated day through django-q2's worker; people approve what
the policy leaves them; recovery runs. Prints a table: operations attempted, faults
by kind, and the figures the promises need at zero (duplicates, lost, stuck,
mismatches between Spectra and the platforms, budgets over a max daily spend,
approvals FAILED for transient reasons), and how many writes were applied but
answered with an error (the long form must see some). Exits 1 if any zero is not.
The shared core is tests/reliability/harness.py.
"""

import argparse
import contextlib
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI-sized run")
    parser.add_argument("--days", type=int)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not 0 <= args.fault_rate <= 0.3:
        parser.error("--fault-rate must be between 0 and 0.3")
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp()) / "reliability.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    from campaigns.models import Role
    from tests.factories import make_org, make_user
    from tests.reliability.harness import LONG, SHORT, ChaosRun
    from tests.spectra.cycle.conftest import drain_queue

    logging.disable(logging.CRITICAL)  # the faults are meant to fail: no tracebacks
    call_command("migrate", verbosity=0)
    plan = replace(
        SHORT if args.short else LONG,
        fault_rate=args.fault_rate,
        seed=args.seed,
        **({"days": args.days} if args.days else {}),
    )
    org = make_org("reliability")
    approver = make_user("reliability-approver", org, Role.APPROVER)
    report = ChaosRun(
        plan,
        org=org,
        approver=approver,
        drain=lambda: drain_queue(lambda execute: contextlib.nullcontext()),
    ).run()
    print(report.table())
    broken = {name: n for name, n in report.failures.items() if n}
    if not args.short and not report.applied_unanswered:
        # The long form must exercise the case: a write applied, then answered with an error.
        broken["writes applied but answered with an error (must be > 0)"] = 0
    if broken:
        print(f"\nFAILED: {broken}", file=sys.stderr)
        names = ("duplicates", "lost", "stuck", "unexplained", "mismatches", "over_limit")
        for name in (*names, "failed_transient"):
            for item in getattr(report, name)[:10]:
                print(f"  {name}: {item}", file=sys.stderr)
        return 1
    print(
        "\nEvery promise held: 0 duplicates, 0 lost, 0 stuck, 0 mismatches, 0 over a limit, "
        "0 approvals FAILED for transient reasons."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
