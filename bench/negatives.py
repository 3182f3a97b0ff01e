"""Wasted spend (spend on search terms that never convert) with and without negatives.

    .venv/bin/python bench/negatives.py [--weeks 8] [--seeds 1 2 3] [--campaigns 48]

Two copies of the same sandbox world run the bench period. In one nothing is excluded;
in the other, every week, Spectra's decision (optimizer.negatives.find_negatives, at the
default policy's α = 0.05) reads the last 28 days of the search-terms report as the
platform serves it (conversions still arriving, as the conversion lag has them) and
every proposed negative is written as a campaign criterion through the sandbox's
Google mutate (all approved). Prints the ground truth's wasted spend of each, over the
whole period and its last 4 weeks, and the precision of what was proposed.
(Approval, the pipeline and the sync are tested end to end in
tests/executors/google/; this measures the decisions.)
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from executors.sandbox.google_search_terms import serve_mutate, wasted_spend
from executors.sandbox.model import LAG_ARRIVED
from executors.sandbox.world import World
from optimizer.negatives import TermTotals, find_negatives

CUSTOMER = "1234567890"
WINDOW = 28


def report_totals(world: World) -> TermTotals:
    """The last WINDOW complete days of the report, as the platform shows them today."""
    st = world.search_terms
    first = max(world.today - WINDOW, 0)
    rows = np.zeros((5, len(st.terms.text)))
    for day in range(first, world.today):
        arrived = np.ones(5)
        arrived[3:] = LAG_ARRIVED[min(world.today - 1 - day, len(LAG_ARRIVED) - 1)]
        rows += st.days[day] * arrived[:, None]
    return TermTotals(
        campaign=st.campaign_of_term,
        ad_group=st.terms.ad_group,
        text=st.terms.text,
        clicks=rows[1],
        impressions=rows[2],
        cost=rows[0],
        conversions=rows[3],
    )


def decide_and_write(world: World, written: dict) -> tuple[int, int]:
    skip = {c: list(v) for c, v in written.items()}
    findings = find_negatives(report_totals(world), alpha=0.05, skip=skip)
    irrelevant = dict(
        zip(
            zip(
                world.search_terms.campaign_of_term.tolist(),
                world.search_terms.terms.text,
                strict=True,
            ),
            world.search_terms.terms.irrelevant.tolist(),
            strict=True,
        )
    )
    right = sum(irrelevant[(f.campaign, f.text)] for f in findings)
    if findings:
        ops = [
            {
                "create": {
                    "campaign": f"customers/{CUSTOMER}/campaigns/{f.campaign + 1}",
                    "negative": True,
                    "keyword": {"text": f.text, "matchType": f.match_type},
                }
            }
            for f in findings
        ]
        serve_mutate(world, CUSTOMER, "campaignCriteria", {"operations": ops}, "bench")
        for f in findings:
            written.setdefault(f.campaign, []).append((f.text, f.match_type))
    return len(findings), right


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--campaigns", type=int, default=48)
    args = parser.parse_args()
    print(
        f"{'seed':>4} {'wasted, none':>14} {'wasted, negatives':>18} {'saved':>7} "
        f"{'last 4w saved':>14} {'share of spend':>15} {'proposed':>9} {'precision':>10} {'s':>5}"
    )
    totals = np.zeros(4)
    for seed in args.seeds:
        t0 = time.perf_counter()
        plain, treated = (
            World(seed, campaigns=args.campaigns),
            World(seed, campaigns=args.campaigns),
        )
        start, written, proposed, right = plain.today, {}, 0, 0
        for _ in range(args.weeks):
            n, ok = decide_and_write(treated, written)
            proposed, right = proposed + n, right + ok
            plain.advance(7)
            treated.advance(7)
        end = plain.today - 1
        a, b = wasted_spend(plain, start, end), wasted_spend(treated, start, end)
        last_a = wasted_spend(plain, end - 27, end)["wastedSpend"]
        last_b = wasted_spend(treated, end - 27, end)["wastedSpend"]
        saved = 1 - b["wastedSpend"] / a["wastedSpend"]
        totals += [a["wastedSpend"], b["wastedSpend"], last_a, last_b]
        print(
            f"{seed:>4} {a['wastedSpend']:>14,.0f} {b['wastedSpend']:>18,.0f} {saved:>7.1%} "
            f"{1 - last_b / last_a:>14.1%} {a['wastedSpend'] / a['termSpend']:>15.1%} "
            f"{proposed:>9} {right / max(proposed, 1):>10.1%} {time.perf_counter() - t0:>5.1f}"
        )
    print(
        f" all {totals[0]:>14,.0f} {totals[1]:>18,.0f} {1 - totals[1] / totals[0]:>7.1%} "
        f"{1 - totals[3] / totals[2]:>14.1%}"
    )


if __name__ == "__main__":
    main()
