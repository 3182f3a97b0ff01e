"""The budget step: fit each campaign's response, reallocate each pool's total.

Campaigns that must not move (pinned, cooling down, not active, too little
evidence) are fixed at their current budget inside the allocator — never
"scaled back afterwards" — and told apart in the holds with their reason.
"""

from decimal import Decimal

import numpy as np

from campaigns.guardrails import PolicyLimits
from optimizer.allocation import allocate_budgets, budget_bounds
from optimizer.confidence import budget_confidence, percent_sure
from optimizer.frame import MetricFrame
from optimizer.inputs import AccountInputs
from optimizer.money import format_minor, from_minor, to_minor
from optimizer.plan import Hold, Proposal
from optimizer.response import ResponseFit, fit_response
from optimizer.significance import Significance
from optimizer.trends import event_multipliers, weekday_index

RECENCY_HALF_LIFE_DAYS = 14.0  # responses drift; recent days say more about tomorrow
EVIDENCE_DAYS = 14
MIN_CHANGE_PCT = 2.0
# A step that rests on an assumed response (too little spend variation to measure this
# campaign's own) earns the policy's full cap only when it pays in at least this share
# of the curves the assumption allows (`optimizer.confidence`); otherwise it takes
# ASSUMED_STEP_SHARE of the cap. Why not always less: in the sandbox the day-one steps
# an assumption is sure of are the world's (its oracle moves those budgets further
# still), and halving them too cost 3 points of the oracle's value over 8 weeks
# (bench/decisions.py); a half step where the assumption decides the sign halves the
# loss if it is wrong, and still moves spend enough for the next fits to measure it.
ASSUMED_STEP_SHARE = 0.5
ASSUMED_FULL_STEP_CONFIDENCE = 0.9


def _deseasonalised_value(frame: MetricFrame, events) -> np.ndarray:
    """Value per day with weekday and declared-event effects divided out, for the fit."""
    index = weekday_index(frame, events=events)
    by_column = np.where(np.isfinite(index), index, 1.0)[frame.weekdays]
    by_column = np.where(by_column > 0, by_column, 1.0)
    multiplier, _ = event_multipliers(frame.dates, events)
    return frame.value / (by_column * multiplier)[None, :]


def fit_campaign_responses(
    inputs: AccountInputs, corrected: MetricFrame, reliability: np.ndarray
) -> ResponseFit:
    """Value as a function of the daily *budget* — the lever the allocator moves.

    Fitting against budget rather than spend folds demand limits into the curve: a
    campaign that leaves budget unspent shows a lower return per unit of budget, and
    once its budget has moved, a flat value says more budget buys nothing. (Against
    spend, one saturated ad group makes the whole campaign look capped.) Days that
    spent nothing (paused, or no budget history yet) teach nothing.
    """
    age = corrected.days_since.astype(np.float64)
    recency = 0.5 ** ((age - 1) / RECENCY_HALF_LIFE_DAYS)
    complete = corrected.days_since >= 1  # today's column is partial
    lever = corrected.spend if inputs.campaign_budgets is None else inputs.campaign_budgets
    weight = reliability * recency[None, :] * complete[None, :] * (corrected.spend > 0)
    return fit_response(lever, _deseasonalised_value(corrected, inputs.events), weight)


def _fixed_reasons(
    inputs: AccountInputs, corrected: MetricFrame, limits: PolicyLimits
) -> list[str | None]:
    c = inputs.campaigns
    recent = (corrected.days_since >= 1) & (corrected.days_since <= EVIDENCE_DAYS)
    clicks = corrected.clicks[:, recent].sum(axis=1)
    conversions = corrected.conversions[:, recent].sum(axis=1)
    reasons: list[str | None] = []
    for i in range(len(c.ids)):
        if not c.active[i]:
            reasons.append("hold: the campaign is not active")
        elif c.pinned[i]:
            reasons.append("hold: pinned by a person — the optimiser leaves it alone")
        elif c.cooling_down[i]:
            reasons.append(
                f"hold: changed within the last {limits.cooldown_hours} h "
                "(one significant change per campaign per cooldown)"
            )
        elif clicks[i] < limits.min_clicks or conversions[i] < limits.min_conversions:
            reasons.append(
                f"hold: not enough evidence — {clicks[i]:,.0f} clicks and "
                f"{conversions[i]:,.1f} conversions in {EVIDENCE_DAYS} days (policy minimum "
                f"{limits.min_clicks} clicks, {limits.min_conversions} conversions)"
            )
        else:
            reasons.append(None)
    return reasons


def _pool_margin(lam, budgets, lower, upper, marginal) -> float:
    """The pool's marginal return λ, the opportunity cost of its budget.

    With a campaign strictly inside its bounds λ is that campaign's marginal (the
    allocator's). With every moved campaign at a bound, KKT only brackets it: the raised
    ones earn at least λ, the cut ones at most; the bisection then returns the top of
    that bracket, where a raise looks worthless. Take the bracket's middle (in log).
    """
    inside = (budgets > lower) & (budgets < upper)
    if inside.any() or not np.isfinite(lam):
        return lam
    ok = np.isfinite(marginal) & (marginal > 0)
    top = marginal[(budgets == upper) & (budgets > lower) & ok]
    bottom = marginal[(budgets == lower) & (budgets < upper) & ok]
    if top.size == 0 or bottom.size == 0 or bottom.max() > top.min():
        return lam
    return float(np.sqrt(bottom.max() * top.min()))


def _unsure_assumptions(fit, current, proposed, value_now, lam) -> np.ndarray:
    """Campaigns whose step rests on an assumed response and would not survive its doubt."""
    p = budget_confidence(
        current=current,
        proposed=proposed,
        value_now=value_now,
        elasticity=fit.shape,
        elasticity_sd=fit.shape_sd,
        level_sd=fit.level_sd,
        margin=lam,
        spend_cap=fit.spend_cap,
    )
    return ~fit.data_driven & np.isfinite(p) & (p < ASSUMED_FULL_STEP_CONFIDENCE)


def plan_budgets(
    inputs: AccountInputs,
    corrected: MetricFrame,
    reliability: np.ndarray,
    roas: Significance,
    limits: PolicyLimits,
    *,
    max_changes: int | None,
    extra_fixed: np.ndarray | None = None,
) -> tuple[list[Proposal], list[Hold], list[str]]:
    """Budget proposals for every pool of the account, within every guardrail."""
    c = inputs.campaigns
    n = len(c.ids)
    if n == 0:
        return [], [], []
    exp = inputs.currency_exponent
    symbol = inputs.currency_symbol
    fit = fit_campaign_responses(inputs, corrected, reliability)
    reasons = _fixed_reasons(inputs, corrected, limits)
    fixed = np.array([r is not None for r in reasons], dtype=bool)
    if extra_fixed is not None:
        fixed |= extra_fixed
    current = to_minor(c.budget, exp)
    floor = int(to_minor(np.array([float(limits.budget_floor)]), exp)[0])
    spend_limit = np.where(
        np.isfinite(c.max_daily_spend),
        to_minor(np.where(np.isfinite(c.max_daily_spend), c.max_daily_spend, 0), exp),
        np.iinfo(np.int64).max,
    )
    notes: list[str] = []
    step_share = np.ones(n)

    def solve(fixed_mask):
        lower, upper = budget_bounds(
            current,
            max_increase_pct=float(limits.max_budget_increase_pct) * step_share,
            max_decrease_pct=float(limits.max_budget_decrease_pct) * step_share,
            floor=floor,
            max_daily_spend=spend_limit,
            fixed=fixed_mask,
            demand_capped=fit.demand_capped,
        )
        budgets = current.copy()
        before, after = np.zeros(n), np.zeros(n)
        marginal, lam = np.full(n, np.nan), np.full(n, np.nan)
        pool_notes = []
        for pool in np.unique(c.portfolio):
            idx = np.flatnonzero(c.portfolio == pool)
            result = allocate_budgets(
                current=current[idx],
                lower=lower[idx],
                upper=upper[idx],
                curve=fit.take(idx),
                min_change_pct=MIN_CHANGE_PCT,
                exponent=exp,
                currency_symbol=symbol,
            )
            if not result.feasible:
                pool_notes.append(
                    f"Budget pool {pool or 'default'}: no reallocation — {result.reason}"
                )
            budgets[idx] = result.budgets
            before[idx], after[idx] = result.expected_value_before, result.expected_value_after
            marginal[idx] = result.marginal_after
            lam[idx] = _pool_margin(
                result.lam, result.budgets, lower[idx], upper[idx], result.marginal_after
            )
        return budgets, before, after, marginal, lam, pool_notes

    budgets, before, after, _, lam, pool_notes = solve(fixed)
    # Max changes per run: keep the largest expected gains and re-solve with the rest
    # fixed, so the pool total still holds exactly (dropping changes would break it).
    for _ in range(10):
        changed = np.flatnonzero(budgets != current)
        if max_changes is None or len(changed) <= max_changes:
            break
        # A change is worth its value minus what its budget would earn at the pool's
        # margin: a cut frees budget, so it is not "negative" just because it loses value.
        shift = (budgets - current) / 10**exp
        gain = (after - before - np.nan_to_num(lam) * shift)[changed]
        drop = changed[np.argsort(gain)[: len(changed) - max_changes]]
        fixed = fixed.copy()
        fixed[drop] = True
        for i in drop:
            reasons[i] = reasons[i] or "hold: max changes per run reached; larger gains first"
        budgets, before, after, _, lam, pool_notes = solve(fixed)
    # Then the steps that rest on an unsure assumption are halved and the pool re-solved
    # with only the campaigns that moved free (so no more changes than before). A move the
    # limits force (down to a spend limit, up toward the floor) is no judgement: full room.
    unsure = _unsure_assumptions(fit, c.budget, budgets / 10**exp, before, lam)
    unsure &= (current >= floor) & (current <= spend_limit)
    if unsure.any():
        step_share[unsure] = ASSUMED_STEP_SHARE
        again = solve(fixed | (budgets == current))
        # Taken pool by pool where it is feasible (a forced cut may need the full room of
        # the others to be absorbed); elsewhere the first answer and full steps stand.
        failed = {note.split(":")[0] for note in again[5]}
        for pool in np.unique(c.portfolio[unsure]):
            idx = np.flatnonzero(c.portfolio == pool)
            if f"Budget pool {pool or 'default'}" in failed:
                step_share[idx] = 1.0
                continue
            budgets[idx], before[idx], after[idx] = again[0][idx], again[1][idx], again[2][idx]
            lam[idx] = again[4][idx]
    notes.extend(pool_notes)

    current_dec, proposed_dec = from_minor(current, exp), from_minor(budgets, exp)
    marginal_before = fit.marginal(c.budget)
    proposals, holds = [], []
    for i in range(n):
        if budgets[i] == current[i]:
            if reasons[i]:
                holds.append(Hold("campaign", i, reasons[i]))
            continue
        at_limit = bool(budgets[i] == spend_limit[i] < current[i])
        proposals.append(
            _proposal(
                i,
                current_dec[i],
                proposed_dec[i],
                fit,
                roas,
                before[i],
                after[i],
                marginal_before[i],
                lam[i],
                corrected,
                exp,
                symbol,
                current,
                budgets,
                at_limit=at_limit,
                step_share=float(step_share[i]),
                cap_pct=float(
                    limits.max_budget_increase_pct
                    if budgets[i] > current[i]
                    else limits.max_budget_decrease_pct
                ),
                reported=inputs.campaign_metrics,
            )
        )
    return proposals, holds, notes


def _money(value: float, exp: int, symbol: str) -> str:
    return format_minor(round(value * 10**exp), exp, symbol)


def _proposal(
    i,
    current: Decimal,
    proposed: Decimal,
    fit,
    roas,
    before,
    after,
    marginal,
    lam,
    corrected,
    exp,
    symbol,
    current_minor,
    budgets,
    *,
    at_limit: bool,
    step_share: float = 1.0,
    cap_pct: float = 30.0,
    reported: MetricFrame | None = None,
) -> Proposal:
    pct = float((proposed - current) / current * 100) if current else 100.0
    up = proposed > current
    gain = float(after - before)
    unit = symbol or ""
    margin_words = (
        f"each extra {unit}1 of budget here is expected to bring {unit}{marginal:.2f} of "
        f"conversion value, against {unit}{lam:.2f} at the portfolio's margin"
        if up
        else f"the last {unit}1 of budget here brings {unit}{marginal:.2f} of conversion value, "
        f"less than the {unit}{lam:.2f} it brings at the portfolio's margin"
    )
    if at_limit:
        margin_words = (
            f"the budget is above the campaign's max daily spend of "
            f"{format_minor(int(budgets[i]), exp, symbol)}; it comes down to the limit, "
            "however large the step (what may be spent comes first)"
        )
    trend = roas.reason[i].removeprefix("hold: ")
    verb = "Raise" if up else "Lower"
    confidence = None
    if not at_limit:  # a cut to the spend limit is required, not a bet on value
        confidence = float(
            budget_confidence(
                current=float(current),
                proposed=float(proposed),
                value_now=before,
                elasticity=fit.shape[i],
                elasticity_sd=fit.shape_sd[i],
                level_sd=fit.level_sd[i],
                margin=lam,
                spend_cap=fit.spend_cap[i],
            )
        )
        confidence = None if not np.isfinite(confidence) else confidence
    sure = (
        ""
        if confidence is None
        else f" Spectra is {percent_sure(confidence)} sure this raises conversion value net of "
        "what the same budget would bring at the portfolio's margin."
    )
    assumed = not bool(fit.data_driven[i])
    assumption = ""
    if assumed:
        assumption = (
            f" This rests on an assumed response (elasticity {fit.shape[i]:.2f}), not this "
            "campaign's own data: its spend barely varied over the days fitted "
            f"(±{fit.spend_variation[i] * 100:.0f} %), too little to measure how its value "
            "responds"
            + (
                f"; so the step is held to ±{cap_pct * step_share:g} %, "
                f"{step_share * 100:.0f} % of the ±{cap_pct:g} % cap."
                if step_share < 1
                else f"; it takes the full step because it pays in {percent_sure(confidence)} of "
                "the responses the assumption allows."
                if confidence is not None and abs(pct) >= cap_pct - 0.05
                else "."
            )
        )
    reason = (
        f"{verb} the daily budget {format_minor(int(current_minor[i]), exp, symbol)} → "
        f"{format_minor(int(budgets[i]), exp, symbol)} ({pct:+.1f} %): {margin_words}. "
        f"Expected {'+' if gain >= 0 else ''}{_money(gain, exp, symbol)}/day in conversion value "
        f"({'+' if gain >= 0 else ''}{gain / max(before, 1e-9) * 100:.1f} %).{sure}{assumption} "
        f"For context, the week-over-week ROAS trend: {trend}."
    )
    recent = (corrected.days_since >= 1) & (corrected.days_since <= EVIDENCE_DAYS)
    series = {
        "dates": [str(d) for d in corrected.dates[recent]],
        "spend": [round(float(v), 2) for v in corrected.spend[i, recent]],
        "value": [round(float(v), 2) for v in corrected.value[i, recent]],
    }
    if reported is not None and reported.value.shape == corrected.value.shape:
        # As reported when decided: the gap to "value" is what the lag still owes.
        series["reported_value"] = [_cents(v) for v in reported.value[i, recent]]
    shift = float(proposed - current)
    evidence = {
        "marginal_roas": _round(marginal),
        "portfolio_marginal_roas": _round(lam),
        "expected_value_before": _round(before),
        "expected_value_after": _round(after),
        "response": {
            "elasticity": _round(fit.shape[i]),
            "elasticity_sd": _round(fit.shape_sd[i]),
            "level_sd": _round(fit.level_sd[i]),
            "data_driven": bool(fit.data_driven[i]),
            "effective_days": _round(fit.effective_days[i]),
            "demand_capped": bool(fit.demand_capped[i]),
            "spend_variation": _round(fit.spend_variation[i]),
            "scale": _round(fit.scale[i]),
            "spend_cap": _round(fit.spend_cap[i]),
            "step_share": step_share,
        },
        "confidence": {
            "probability": None if confidence is None else round(confidence, 4),
            "budget_change": round(shift, 2),
            "value_change": _round(gain),
            "opportunity_cost": _round(lam * shift) if np.isfinite(lam) else None,
            "method": "P(value change > budget change × pool margin) under the fit's "
            "elasticity and level uncertainty",
        },
        "roas_week_over_week": roas.evidence(i),
        "series": series,
    }
    return Proposal(
        kind="budget",
        campaign_index=i,
        current=current,
        proposed=proposed,
        reason=reason,
        evidence=evidence,
        expected_gain=gain,
        confidence=confidence,
    )


def _cents(value) -> float | None:
    value = float(value)
    return round(value, 2) if np.isfinite(value) else None


def _round(value) -> float | None:
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None
