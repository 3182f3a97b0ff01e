"""The budget step: fit each campaign's response, reallocate each pool's total.

Campaigns that must not move (pinned, cooling down, not active, too little
evidence) are fixed at their current budget inside the allocator — never
"scaled back afterwards" — and told apart in the holds with their reason.
"""

from decimal import Decimal

import numpy as np
from scipy.stats import norm

from campaigns.guardrails import PolicyLimits
from optimizer.allocation import allocate_budgets, budget_bounds
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


def _confidence(fit: ResponseFit, marginal: float, lam: float, i: int) -> float:
    """Rough probability that this campaign's marginal return really is on the side of
    the portfolio's margin the allocator put it (uncertainty in elasticity and level)."""
    if not (np.isfinite(marginal) and np.isfinite(lam)) or marginal <= 0 or lam <= 0:
        return 0.5
    spread = fit.shape_sd[i] / max(fit.shape[i], 1e-6) + 0.3 / np.sqrt(
        max(fit.effective_days[i], 1.0)
    )
    return float(norm.cdf(abs(np.log(marginal / lam)) / spread))


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

    def solve(fixed_mask):
        lower, upper = budget_bounds(
            current,
            max_increase_pct=float(limits.max_budget_increase_pct),
            max_decrease_pct=float(limits.max_budget_decrease_pct),
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
            marginal[idx], lam[idx] = result.marginal_after, result.lam
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
    reason = (
        f"{verb} the daily budget {format_minor(int(current_minor[i]), exp, symbol)} → "
        f"{format_minor(int(budgets[i]), exp, symbol)} ({pct:+.1f} %): {margin_words}. "
        f"Expected {'+' if gain >= 0 else ''}{_money(gain, exp, symbol)}/day in conversion value "
        f"({'+' if gain >= 0 else ''}{gain / max(before, 1e-9) * 100:.1f} %). "
        f"For context, the week-over-week ROAS trend: {trend}."
    )
    recent = (corrected.days_since >= 1) & (corrected.days_since <= EVIDENCE_DAYS)
    series = {
        "dates": [str(d) for d in corrected.dates[recent]],
        "spend": [round(float(v), 2) for v in corrected.spend[i, recent]],
        "value": [round(float(v), 2) for v in corrected.value[i, recent]],
    }
    evidence = {
        "marginal_roas": _round(marginal),
        "portfolio_marginal_roas": _round(lam),
        "expected_value_before": _round(before),
        "expected_value_after": _round(after),
        "response": {
            "elasticity": _round(fit.shape[i]),
            "elasticity_sd": _round(fit.shape_sd[i]),
            "data_driven": bool(fit.data_driven[i]),
            "effective_days": _round(fit.effective_days[i]),
            "demand_capped": bool(fit.demand_capped[i]),
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
        confidence=_confidence(fit, marginal, lam, i),
    )


def _round(value) -> float | None:
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None
