"""The whole decision for one account, as one pure function over AccountInputs.

clean → conversion lag → two-week trends and significance → budgets (portfolio
allocation) → bids → audiences → guardrails (max changes, risk, approval).
The production service (`optimizer.services`) and the sandbox evaluation
(`bench/decisions.py`) both call `plan_account`, so what is measured is what runs.
"""

from dataclasses import replace

import numpy as np

from campaigns.guardrails import PolicyLimits, requires_approval, risk_of
from optimizer.audiences import plan_audiences
from optimizer.bids import plan_bids
from optimizer.budgets import plan_budgets
from optimizer.clean import clean_frame
from optimizer.inputs import AccountInputs
from optimizer.lag import correct_for_lag, estimate_completeness, reliability
from optimizer.plan import Hold, Plan
from optimizer.significance import assess
from optimizer.trends import weekly_comparison


def plan_account(inputs: AccountInputs, *, limits: PolicyLimits, autonomy: str) -> Plan:
    """Everything the optimiser proposes for one account, and why it holds the rest."""
    plan = Plan()
    frame = clean_frame(inputs.campaign_metrics)
    completeness = estimate_completeness(
        frame, fallback_lag_days=limits.conversion_lag_days, events=inputs.events
    )
    plan.notes.append(f"Conversion lag: {completeness.reason}")
    plan.conversion_lag = {
        "source": completeness.source,
        "reason": completeness.reason,
        "by_age": [round(float(share), 4) for share in completeness.by_age],
    }
    corrected = correct_for_lag(frame, completeness)
    weights = reliability(frame, completeness)
    trends = weekly_comparison(corrected, events=inputs.events, reliability=weights)
    roas = assess(
        trends,
        alpha=float(limits.significance_level),
        min_clicks=limits.min_clicks,
        min_conversions=limits.min_conversions,
        metric="roas",
    )

    budget_cap = limits.max_changes_per_run
    budgets, holds, notes = plan_budgets(
        inputs, corrected, weights, roas, limits, max_changes=budget_cap
    )
    plan.holds.extend(holds)
    plan.notes.extend(notes)

    changing = np.zeros(len(inputs.campaigns.ids), dtype=bool)
    for proposal in budgets:
        changing[proposal.campaign_index] = True
    group_frame = correct_for_lag(clean_frame(inputs.ad_group_metrics), completeness)
    bids, bid_holds = plan_bids(inputs, group_frame, limits, skip_campaigns=changing)
    plan.holds.extend(bid_holds)
    audiences = plan_audiences(inputs, limits)

    # Budgets come as a set (their total must hold), then the best of the rest.
    others = sorted(bids + audiences, key=lambda p: -p.expected_gain)
    room = None if budget_cap is None else max(budget_cap - len(budgets), 0)
    chosen = budgets + (others if room is None else others[:room])
    for dropped in [] if room is None else others[room:]:
        index = dropped.ad_group_index if dropped.kind == "bid" else dropped.audience_index
        target = "ad_group" if dropped.kind == "bid" else "audience"
        plan.holds.append(
            Hold(
                target,
                int(index),
                "hold: max changes per run reached; larger expected gains went first",
            )
        )
    for proposal in chosen:
        risk = risk_of(proposal.kind, proposal.change_pct, limits, assumed=proposal.assumed)
        plan.proposals.append(
            replace(
                proposal,
                risk=risk,
                requires_approval=requires_approval(risk=risk, autonomy=autonomy, limits=limits),
            )
        )
    return plan
