"""Benchmark: the AI layer against the sandbox model in its own process.

    .venv/bin/python bench/ai.py [--generations 200] [--workers 4] [--latency-ms 200]

Generates ad copy for distinct briefs with `workers` threads (as qcluster workers
would), the model answering after `latency-ms`, under a 20 % fault mix (bad JSON,
missing fields, wrong types, over-long copy, refusals, 5xx, 429). Prints generations
per minute, how many needed a repair or the fallback, what the calls cost, and the
metering overhead per call (the meter's price lookup and row, plus the budget check).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAULT_MIX = {
    "invalid_json": 0.05,
    "missing_fields": 0.03,
    "wrong_types": 0.02,
    "too_long": 0.03,
    "refusal": 0.02,
    "500": 0.03,
    "429": 0.02,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, payload: dict) -> None:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    urllib.request.urlopen(request, timeout=5).close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--latency-ms", type=float, default=200)
    args = parser.parse_args()
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("SPECTRA_LLM_REQUESTS_PER_MINUTE", "100000")
    port = _free_port()
    os.environ["SANDBOX_LLM_URL"] = f"http://127.0.0.1:{port}/v1"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    from campaigns.models import Organization
    from creative.defaults import install_defaults
    from creative.fallbacks import fallback_ad_copy
    from creative.llm.client import Attempt
    from creative.metering import CallContext, budget_check, meter
    from creative.models import AICall, CallOutcome, Purpose
    from creative.services.generate import generate

    call_command("migrate", verbosity=0)
    install_defaults()
    org = Organization.objects.create(name="Bench", slug="bench-ai")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "llm_sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        _post(
            f"http://127.0.0.1:{port}/_sandbox/faults",
            {"mix": FAULT_MIX, "seed": 11, "latencyMs": args.latency_ms, "retryAfterSeconds": 0},
        )
        statuses: Counter = Counter()
        lock = threading.Lock()

        def one(i: int) -> None:
            try:
                result = generate(
                    organization_id=org.pk,
                    purpose=Purpose.COPY,
                    prompt="ad-copy",
                    variables={
                        "theme": f"theme {i}",
                        "product": f"Product {i}",
                        "selling_points": "free returns\nfast delivery",
                        "brief": f"Launch product {i}.",
                    },
                    fallback=fallback_ad_copy,
                )
                outcome = result.status
            except Exception as exc:  # an unavailable provider: counted, not fatal
                outcome = type(exc).__name__
            finally:
                connection.close()
            with lock:
                statuses[outcome] += 1

        started = time.monotonic()
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(one, range(args.generations)))
        elapsed = time.monotonic() - started

        calls = AICall.objects.count()
        cost = sum(AICall.objects.values_list("cost", flat=True))
        outcomes = Counter(AICall.objects.values_list("outcome", flat=True))

        context = CallContext(
            organization_id=org.pk,
            purpose=Purpose.COPY,
            provider_name="bench",
            model="sandbox-writer",
        )
        samples = 500
        t0 = time.perf_counter()
        for _ in range(samples):
            budget_check(context)
            meter(context, Attempt(1, CallOutcome.OK, 200, input_tokens=300, output_tokens=120))
        overhead_ms = (time.perf_counter() - t0) / samples * 1000
    finally:
        server.terminate()
        server.wait(timeout=10)

    n = args.generations
    needed = statuses.get("repaired", 0) + statuses.get("fallback", 0)
    print(
        f"AI layer: {n} ad-copy generations, {args.workers} workers, "
        f"{args.latency_ms:.0f} ms model latency, {sum(FAULT_MIX.values()):.0%} fault mix"
    )
    print(f"  {n / elapsed * 60:,.0f} generations per minute ({elapsed:.1f} s)")
    print(f"  outcomes: {dict(statuses)}")
    print(f"  needed a repair or the fallback: {needed} of {n} ({needed / n:.1%})")
    print(f"  AI calls metered: {calls} ({dict(outcomes)}); cost ${cost:.4f}")
    print(
        f"  metering overhead per call (price, row, budget check): {overhead_ms:.2f} ms "
        f"over {samples} calls, with {calls + samples:,} rows this month"
    )


if __name__ == "__main__":
    main()
