"""Are experiment readouts honest? Many simulated holdouts on the sandbox world.

    .venv/bin/python bench/experiments.py [--seeds 1 2 3 4 5] [--reps 1000] [--quick]

Per world seed: 48 campaigns, 12 weeks of the world's own daily outcomes (its noise,
weekday seasonality and events): 4 weeks to plan (the MDE), 4 weeks of pre-period, 4 weeks
of experiment. Each replicate assigns the campaigns afresh (stratified, its own seed), so
the intervals are judged over the randomisation, the way the design justifies them. The
treatment arm's conversion value is multiplied by 1 + the true lift (0 for A/A; the
planned MDE for power and coverage). Readouts: the jackknife DiD at the end (fixed) and
with weekly looks against the Lan-DeMets O'Brien-Fleming boundary (sequential; its
interval is the repeated confidence interval at the look where it stopped).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from executors.sandbox.world import World
from experiments.stats.assignment import stratified_assignment
from experiments.stats.lift import jackknife_lift
from experiments.stats.power import minimum_detectable_effect, unit_cv
from experiments.stats.sequential import boundaries, nominal_alpha

WEEK = 7
BUCKETS = 20  # as Google's experiment reports
LOOKS = np.array([0.25, 0.5, 0.75, 1.0])


def campaign_days(seed: int, campaigns: int):
    world = World(seed, campaigns=campaigns, history_days=12 * WEEK, start_date="2026-01-05")
    m = world._metrics[:, : 12 * WEEK].reshape(5, 12 * WEEK, campaigns, -1).sum(axis=3)
    return m[0], m[4]  # spend, value: (days, campaigns)


def one_run(value, spend, lift, rep, bounds):
    pre, post = value[28:56], value[56:84]
    arms = stratified_assignment(spend[28:56].sum(0), pre.sum(0) / spend[28:56].sum(0), seed=rep)
    t, c = arms == 1, arms == 0
    post = post.copy()
    post[:, t] *= 1 + lift
    x = pre.sum(0)

    def readout(days):
        y = post[:days].sum(0)
        return jackknife_lift(
            treatment=y[t],
            control=y[c],
            treatment_pre=x[t],
            control_pre=x[c],
            seed=rep,
            buckets=BUCKETS,
        )

    fixed = readout(28)
    seq = None
    for k, frac in enumerate(LOOKS):
        r = fixed if frac == 1.0 else readout(int(28 * frac))
        nominal = nominal_alpha(bounds[k])
        if r.p_value < nominal or frac == 1.0:
            q = stats.t.ppf(1 - nominal / 2, r.df)
            low, high = np.expm1(np.log1p(r.estimate) + np.array([-q, q]) * r.se_log)
            seq = (r.p_value < nominal, r.estimate, low, high)
            break
    return fixed, seq


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--campaigns", type=int, default=48)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 200 replicates")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.reps = args.seeds[:2], 200
    bounds = boundaries(LOOKS)
    print(f"weekly-look boundaries (z): {', '.join(f'{b:.3f}' for b in bounds)}")
    header = (
        f"{'seed':>4} {'readout':<10} {'MDE':>6} {'A/A FPR':>8} {'power@MDE':>9} "
        f"{'coverage':>8} {'bias':>8} {'time':>6}"
    )
    print(header)
    totals = {"fixed": [], "sequential": []}
    for seed in args.seeds:
        t0 = time.perf_counter()
        spend, value = campaign_days(seed, args.campaigns)
        n_t = args.campaigns // 2
        cv = unit_cv(value[28:56].sum(0), value[:28].sum(0))
        mde = minimum_detectable_effect(cv=cv, n_treatment=n_t, n_control=args.campaigns - n_t)
        rows = {"fixed": [[], [], [], []], "sequential": [[], [], [], []]}
        for rep in range(args.reps):
            aa_fixed, aa_seq = one_run(value, spend, 0.0, rep, bounds)
            ab_fixed, ab_seq = one_run(value, spend, mde, rep, bounds)
            for name, aa, ab in (
                ("fixed", (aa_fixed.p_value < 0.05,), ab_fixed),
                ("sequential", aa_seq, ab_seq),
            ):
                if name == "fixed":
                    sig, est, low, high = ab.p_value < 0.05, ab.estimate, ab.low, ab.high
                else:
                    sig, est, low, high = ab
                rows[name][0].append(aa[0])
                rows[name][1].append(sig)
                rows[name][2].append(low <= mde <= high)
                rows[name][3].append(est - mde)
        seconds = time.perf_counter() - t0
        for name, (fp, power, cover, bias) in rows.items():
            stats_row = (np.mean(fp), np.mean(power), np.mean(cover), np.mean(bias))
            totals[name].append(stats_row)
            print(
                f"{seed:>4} {name:<10} {mde:6.1%} {stats_row[0]:8.1%} {stats_row[1]:9.1%} "
                f"{stats_row[2]:8.1%} {stats_row[3]:+8.2%} {seconds:5.1f}s"
            )
    for name, rows_ in totals.items():
        fp, power, cover, bias = np.mean(rows_, axis=0)
        print(f"{'all':>4} {name:<10} {'':>6} {fp:8.1%} {power:9.1%} {cover:8.1%} {bias:+8.2%}")
    print(
        "targets: A/A FPR <= 5 %, coverage 93-97 % (sequential: repeated CI, >= 95 %), power ~80 %"
    )


if __name__ == "__main__":
    main()
