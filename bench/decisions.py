"""Decision quality on the sandbox: hold / seed / spectra / oracle, same world, same total.

    .venv/bin/python bench/decisions.py [--weeks 8] [--seeds 1 2 3 4 5] [--campaigns 48]

Prints, per seed and strategy, conversion value and spend over all weeks and over the
last 4, as a percentage of the oracle's, plus the budget total and cap breaks.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--campaigns", type=int, default=48)
    parser.add_argument("--strategies", nargs="+", default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    import django

    django.setup()
    from spectra.evaluation import STRATEGIES, run

    strategies = args.strategies or [*STRATEGIES, "spectra+"]
    last4 = slice(-28, None)
    for seed in args.seeds:
        scores = {}
        for name in dict.fromkeys(["oracle", *strategies]):
            t0 = time.perf_counter()
            scores[name] = run(name, seed=seed, weeks=args.weeks, campaigns=args.campaigns)
            scores[name].seconds = time.perf_counter() - t0
        oracle = scores["oracle"]
        print(f"\nseed {seed}  ({args.weeks} weeks, {args.campaigns} campaigns)")
        print(
            f"  {'strategy':<9} {'value all':>10} {'value last 4w':>14} {'spend all':>10} "
            f"{'max budget total':>17} {'cap breaks':>11} {'time':>7}"
        )
        for name in strategies:
            s = scores[name]
            all_pct = sum(s.value) / sum(oracle.value) * 100
            last_pct = sum(s.value[last4]) / sum(oracle.value[last4]) * 100
            spend_pct = sum(s.spend) / sum(oracle.spend) * 100
            print(
                f"  {name:<9} {all_pct:9.1f} % {last_pct:12.1f} % {spend_pct:8.1f} % "
                f"{max(s.budget_total):17,.2f} {s.cap_breaks:11d} {s.seconds:6.1f}s"
            )


if __name__ == "__main__":
    main()
