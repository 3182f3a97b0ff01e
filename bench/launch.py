"""Benchmark: 50 launches end to end through spectra.launch's tasks.

    .venv/bin/python bench/launch.py [--launches 50] [--workers 4] [--latency-ms 200]
    .venv/bin/python bench/launch.py --quick        # 5 launches

Each launch is a brief written by an analyst → generate (strategy, copy, images,
brand safety: one task per step) → review: approved by the organization's policy where
it allows (nothing flagged), else by a scripted person (rejects the unsafe, passes the
uncertain) → deploy to the sandbox's Google Ads shape → ACTIVE. The tasks run on
`workers` threads, as qcluster workers would, from a queue that stands in for the
broker. The sandbox model answers after `latency-ms` and injects a 20 % fault mix
spread evenly over every fault kind it has. A step that fails waits its backoff and
the resume sweep queues it again: the bench moves the clock forward to the next due
step when nothing else is left to do, and says how much waiting it skipped.

Prints wall time, p50/p95 per launch (wall, and on the clock with the skipped
waits), AI calls and cost, and the share of launches that reached ACTIVE without a
person's help, with the reasons the others needed one (review flags, failures).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAULT_SHARE = 0.20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int) -> None:
    for _ in range(300):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def _percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class Broker:
    """What django_q's async_task would queue, taken by worker threads."""

    def __init__(self):
        self.tasks: deque = deque()
        self.busy = 0
        self.lock = threading.Condition()

    def add(self, func, *args, **kwargs):
        with self.lock:
            self.tasks.append((func, args))
            self.lock.notify()

    def take(self):
        with self.lock:
            if not self.tasks:
                return None
            self.busy += 1
            return self.tasks.popleft()

    def done(self):
        with self.lock:
            self.busy -= 1

    def idle(self) -> bool:
        with self.lock:
            return not self.tasks and not self.busy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--launches", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--latency-ms", type=float, default=200)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 launches")
    args = parser.parse_args()
    if args.quick:
        args.launches = 5

    tmp = Path(tempfile.mkdtemp(prefix="spectra-bench-launch-"))
    os.environ.setdefault("SQLITE_PATH", str(tmp / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["SPECTRA_MEDIA_ROOT"] = str(tmp / "media")
    # The provider's own request limit is not what this measures (300/min would set the pace).
    os.environ.setdefault("SPECTRA_LLM_REQUESTS_PER_MINUTE", "100000")
    os.environ.setdefault("PLATFORM_RATE_PER_SECOND", "1000")
    llm_port = _free_port()
    os.environ["SANDBOX_LLM_URL"] = f"http://127.0.0.1:{llm_port}/v1"
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone
    from django.utils.module_loading import import_string

    settings.DEBUG = False
    import campaigns.services.launches as launch_services
    import spectra.launch as launch_tasks
    from campaigns.actors import system_user
    from campaigns.models import (
        Asset,
        Brief,
        Campaign,
        CampaignStatus,
        GuardrailPolicy,
        Organization,
        Role,
        Verdict,
    )
    from campaigns.services.accounts import account_set_credentials
    from campaigns.services.launches import brief_create, launch_generate
    from creative.defaults import install_defaults
    from creative.models import AICall
    from executors.sandbox.google_auth import GoogleAdsConfig
    from executors.sandbox.process import SandboxProcess
    from sandbox.llm.faults import FAULT_KINDS
    from sandbox.llm.server import LLMSandboxServer
    from tests.factories import make_account, make_user, review_as_a_person

    S = CampaignStatus
    call_command("migrate", verbosity=0)
    install_defaults()
    org = Organization.objects.create(name="Bench launches", slug="bench-launch")
    # Launches with nothing to review go on their own; the rest wait for a person.
    GuardrailPolicy.objects.create(organization=org, launch_requires_approval=False)
    analyst = make_user("bench-analyst", org, Role.ANALYST)
    approver = make_user("bench-approver", org, Role.APPROVER)
    mix = {kind: round(FAULT_SHARE / len(FAULT_KINDS), 6) for kind in FAULT_KINDS}

    broker = Broker()
    launch_services.async_task = broker.add
    launch_tasks.async_task = broker.add

    llm = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "llm_sandbox", "--port", str(llm_port)],
        stdout=subprocess.DEVNULL,
    )
    platform = SandboxProcess(seed=args.seed, campaigns=2, ad_groups=1, days=2, start=date.today())
    try:
        _wait_for_port(llm_port)
        control = LLMSandboxServer.__new__(LLMSandboxServer)  # only its HTTP controls
        control.port = llm_port
        control.set_faults(
            mix=mix,
            seed=args.seed,
            latencyMs=args.latency_ms,
            retryAfterSeconds=1,
            slowSeconds=2,
        )
        with platform:
            config = GoogleAdsConfig()
            account = make_account(
                org,
                platform="google_ads",
                external_id=config.customer_id,
                api_base_url=platform.base_url.rstrip("/") + "/googleads/",
                execution_mode="live",
                currency="INR",
            )
            account_set_credentials(
                account=account, actor=system_user(), values=config.credentials()
            )
            account.refresh_from_db()
            started: dict[int, float] = {}
            ended: dict[int, float] = {}
            clock_start: dict[int, object] = {}
            clock_end: dict[int, object] = {}
            reviewed: dict[int, list[str]] = {}
            skipped = timedelta()

            traveller = time_machine.travel(timezone.now(), tick=True)
            clock = traveller.start()
            t0 = time.perf_counter()
            for n in range(args.launches):
                campaign = brief_create(
                    account=account,
                    data={
                        "name": f"Bench launch {n}",
                        "daily_budget": "2500.00",
                        "objective": "conversions",
                        "target_cpa": "400.00",
                        "start_date": (date.today() + timedelta(days=7)).isoformat(),
                        "locations": ["IN"],
                        "languages": ["en"],
                        "product": f"Merino socks, style {n}",
                        "landing_url": f"https://example.com/socks/{n}",
                        "selling_points": ["soft merino wool", "free delivery", "30-day returns"],
                        "audience_notes": "winter hikers",
                    },
                    actor=analyst,
                )
                started[campaign.pk] = time.perf_counter()
                clock_start[campaign.pk] = timezone.now()
                launch_generate(campaign=campaign, actor=analyst)  # autocommit: queued now
            ids = list(started)
            errors: Counter = Counter()

            person = threading.Lock()  # one reviewer, one launch at a time

            def settle(campaign_id: int) -> None:
                """A person's turn, and the end of a launch, as seen after each task."""
                with person:
                    campaign = Campaign.objects.get(pk=campaign_id)
                    over = campaign.status in (S.ACTIVE, S.FAILED)
                    if campaign.status == S.PENDING_DEPLOYMENT and campaign_id not in reviewed:
                        flags = Brief.objects.get(campaign=campaign).review_flags
                        reviewed[campaign_id] = list(flags) or ["uncertain or unsafe assets"]
                        problems = review_as_a_person(campaign, approver)
                        if problems:  # the person would have to edit: this run ends here
                            reviewed[campaign_id].append("cannot be approved: " + problems[0])
                            over = True
                    if over and campaign_id not in ended:
                        ended[campaign_id] = time.perf_counter()
                        clock_end[campaign_id] = timezone.now()

            def work() -> None:
                while len(ended) < len(ids):
                    task = broker.take()
                    if task is None:
                        time.sleep(0.01)
                        continue
                    func, task_args = task
                    try:
                        import_string(func)(*task_args)
                        settle(task_args[0])
                    except Exception as exc:  # a task that raises: qcluster would log it
                        errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                    finally:
                        broker.done()
                        connection.close()

            threads = [threading.Thread(target=work, daemon=True) for _ in range(args.workers)]
            for thread in threads:
                thread.start()
            while len(ended) < len(ids):
                time.sleep(0.05)
                if not broker.idle():
                    continue
                for campaign_id in ids:
                    settle(campaign_id)
                if launch_tasks.resume_launches():
                    continue
                waiting = Brief.objects.exclude(step="").order_by("step_due_at").first()
                if waiting is None or waiting.step_due_at is None:
                    stuck = Campaign.objects.filter(pk__in=ids).exclude(pk__in=list(ended))
                    left = list(stuck.values_list("pk", "status"))
                    if left and broker.idle():
                        raise SystemExit(f"launches left with nothing to run: {left}")
                    continue
                jump = waiting.step_due_at - timezone.now() + timedelta(seconds=1)
                if jump > timedelta(0):
                    clock.shift(jump)  # nothing else to do: the backoff passes
                    skipped += jump
            for thread in threads:
                thread.join(timeout=60)
            wall = time.perf_counter() - t0
            traveller.stop()
    finally:
        llm.terminate()
        llm.wait(timeout=10)

    campaigns = Campaign.objects.filter(pk__in=ids)
    statuses = Counter(campaigns.values_list("status", flat=True))
    calls = AICall.objects.filter(campaign__in=campaigns)
    cost = calls.aggregate(total=Sum("cost"))["total"] or Decimal(0)
    per_launch = [ended[i] - started[i] for i in ids]
    on_clock = [(clock_end[i] - clock_start[i]).total_seconds() for i in ids]
    active = set(campaigns.filter(status=S.ACTIVE).values_list("pk", flat=True))
    alone = [i for i in ids if i in active and i not in reviewed]
    why: Counter = Counter()
    for i in ids:
        if i in reviewed:  # per launch, each kind of flag once ("12 assets …" → "N assets …")
            why.update({f"review: {re.sub(r'[0-9]+', 'N', f.split(':')[0])}" for f in reviewed[i]})
        if i not in active:
            reason = Brief.objects.get(campaign_id=i).failure_reason or "not active"
            why[f"failed: {reason[:90]}"] += 1
    n = len(ids)
    print(
        f"Launch: {n} launches end to end, {args.workers} workers, {args.latency_ms:.0f} ms "
        f"model latency, {FAULT_SHARE:.0%} fault mix over {len(FAULT_KINDS)} kinds "
        f"({', '.join(FAULT_KINDS)})"
    )
    print(f"  wall time {wall:.1f} s; backoff waits skipped by moving the clock: {skipped}")
    print(
        f"  per launch, wall: p50 {_percentile(per_launch, 50):.1f} s, "
        f"p95 {_percentile(per_launch, 95):.1f} s; on the clock (with the waits): "
        f"p50 {_percentile(on_clock, 50):.0f} s, p95 {_percentile(on_clock, 95):.0f} s"
    )
    print(f"  ended: {dict(statuses)}")
    print(
        f"  AI calls: {calls.count()} ({calls.count() / n:.1f} per launch; "
        f"{dict(Counter(calls.values_list('outcome', flat=True)))}); "
        f"cost ${cost:.4f} (${cost / n:.4f} per launch)"
    )
    print(
        f"  without a person's help: {len(alone)} of {n} ({len(alone) / n:.0%}); "
        f"reviewed by a person: {len(reviewed)}; not active: {n - len(active)}"
    )
    uncertain = Asset.objects.filter(campaign__in=campaigns, verdict=Verdict.UNCERTAIN)
    print("    launches, by what needed a person (a launch can have several):")
    for reason, count in why.most_common():
        print(f"    {count:3d} × {reason}")
    print(f"    uncertain assets, by the judge's first reason ({uncertain.count()} in all):")
    firsts = Counter(a.verdict_reasons[0] for a in uncertain if a.verdict_reasons)
    for reason, count in firsts.most_common(3):
        print(f"    {count:4d} × {reason[:90]}")
    if errors:
        print(f"  task errors (each retried by the sweep): {dict(errors)}")


if __name__ == "__main__":
    main()
