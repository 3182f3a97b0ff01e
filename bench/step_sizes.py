"""How big are the first day's budget steps, and is the ±30 % cap the world's or the fit's?

    .venv/bin/python bench/step_sizes.py [--seeds 42 1 2 3 4 5] [--campaigns 48]

For each seed, a fresh sandbox world (the demo's is seed 42) after its 35 days of
history, decided once by the production pipeline (`plan_account`) under the demo's
policy (approval threshold 30 %, autonomy "auto low risk"), as its first cycle does.
Prints a histogram of the budget steps (at the cap, half the cap, in between), how many
rest on an assumed response (``data_driven`` false), their confidence, how many wait
for a person, and what the world's oracle (true curves, same total, no caps) would do
with the same campaigns: if it moves them further than the cap, in the same direction,
the steps at the cap are the world's; if it barely moves them, the optimiser is leaning
on its bounds.
"""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BINS = [(-30.01, -29.95), (-29.95, -15.01), (-15.01, -14.95), (-14.95, 0), (0, 14.95)]
BINS += [(14.95, 15.01), (15.01, 29.95), (29.95, 30.01)]
NAMES = ["−30 % (cap)", "−29.9…−15.1 %", "−15 % (half)", "−14.9…0 %", "0…+14.9 %"]
NAMES += ["+15 % (half)", "+15.1…+29.9 %", "+30 % (cap)"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2, 3, 4, 5])
    parser.add_argument("--campaigns", type=int, default=48)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spectra.settings")
    import django

    django.setup()
    from decimal import Decimal

    import numpy as np

    from campaigns.guardrails import PolicyLimits
    from campaigns.models.accounts import Autonomy
    from executors.sandbox.world import World
    from optimizer.pipeline import plan_account
    from spectra.evaluation import HISTORY_DAYS, inputs_from_world

    steps, assumed, confidence, oracle, waits = [], [], [], [], []
    demo_policy = PolicyLimits(approval_threshold_pct=Decimal("30"))
    for seed in args.seeds:
        world = World(
            seed, campaigns=args.campaigns, history_days=HISTORY_DAYS, start_date=date(2026, 1, 5)
        )
        inputs = inputs_from_world(world, last_change={})
        plan = plan_account(inputs, limits=demo_policy, autonomy=Autonomy.AUTO_LOW_RISK)
        current = world.settings_on(world.today + 1).budgets
        best = world.optimal_budgets(total=float(current.sum()), day=world.today + 1)
        best = np.array([best[cid] for cid in world.campaign_ids])
        for p in plan.proposals:
            if p.kind != "budget":
                continue
            i = p.campaign_index
            steps.append(p.change_pct)
            assumed.append(not p.evidence["response"]["data_driven"])
            confidence.append(np.nan if p.confidence is None else p.confidence)
            oracle.append((best[i] / current[i] - 1) * 100)
            waits.append(p.requires_approval)
    steps, assumed = np.array(steps), np.array(assumed)
    confidence, oracle = np.array(confidence), np.array(oracle)
    n = len(steps)
    print(f"{n} first-day budget proposals over seeds {args.seeds} ({args.campaigns} campaigns)")
    print("\nstep size            count  share  assumed  mean confidence  oracle same way, beyond")
    for (lo, hi), name in zip(BINS, NAMES, strict=True):
        inside = (steps > lo) & (steps <= hi)
        if not inside.any():
            print(f"  {name:<17} {0:6d}")
            continue
        same = np.sign(oracle[inside]) == np.sign(steps[inside])
        beyond = same & (np.abs(oracle[inside]) >= np.abs(steps[inside]))
        print(
            f"  {name:<17} {inside.sum():6d} {inside.mean() * 100:5.0f} %"
            f" {assumed[inside].sum():7d}"
            f" {np.nanmean(confidence[inside]) * 100:14.0f} % {same.mean() * 100:9.0f} %"
            f" {beyond.mean() * 100:6.0f} %  {'#' * int(inside.sum() * 60 / n)}"
        )
    at_cap = np.isclose(np.abs(steps), 30, atol=0.05)
    print(
        f"\nat exactly ±30 %: {at_cap.sum()} of {n}; resting on an assumed response: "
        f"{assumed.sum()} of {n}; waiting for a person (not low risk): {sum(waits)} of {n}"
    )
    print(
        f"oracle moves the same campaigns by a median {np.median(np.abs(oracle)):.0f} % "
        f"(beyond ±30 % for {(np.abs(oracle) > 30).mean() * 100:.0f} %); agrees on the "
        f"direction for {(np.sign(oracle) == np.sign(steps)).mean() * 100:.0f} %"
    )


if __name__ == "__main__":
    main()
