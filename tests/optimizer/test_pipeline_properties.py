"""Properties of the whole pipeline's budget step over random portfolios.

Random accounts of 2–40 campaigns in 1–3 pools, in paise or whole yen, with random
budgets (some below the floor), spend limits (some unset), pins, cooldowns, paused and
thin campaigns, and a history drawn from random power-law or saturating-exponential
responses with weekday seasonality, noise, budget changes and conversion lag. Whatever
the pipeline decides: each pool's total is exact to the minor unit, no cap, floor or
spend limit is broken, fixed campaigns are untouched, and an infeasible pool changes
nothing and says why.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.guardrails import PolicyLimits, check_budget
from campaigns.models.accounts import Autonomy
from optimizer.pipeline import plan_account
from tests.optimizer.builders import DAYS, account_inputs

NO_CAP = st.none()
WEEKDAY = np.array([1.0, 1.05, 1.1, 1.05, 0.95, 0.8, 0.85])


@dataclass
class Portfolio:
    inputs: object
    limits: PolicyLimits
    budgets: list[Decimal]
    limit: list[Decimal | None]  # max daily spend
    fixed: np.ndarray  # pinned, cooling down, paused or too little evidence
    thin: np.ndarray  # too little evidence (a subset of fixed)
    set_aside: np.ndarray  # pinned, cooling down or paused
    pool: np.ndarray
    unit: Decimal  # the currency's minor unit: 0.01, or 1 for yen


def _history(rng, current: float) -> np.ndarray:
    """The budget in effect each day: a few past changes, within ±50 % of today's budget."""
    path = np.empty(DAYS)
    level = current * rng.uniform(0.6, 1.4)
    changes = set(rng.choice(DAYS, size=rng.integers(0, 5), replace=False).tolist())
    for d in range(DAYS):
        if d in changes:
            level *= rng.uniform(0.8, 1.25)
        path[d] = level
    if rng.random() < 0.5:
        path[-rng.integers(3, 10) :] = current  # today's budget has held for a while
    return np.clip(path, 0.5 * current, 1.5 * current)


def _response(rng, spend: np.ndarray, current: float) -> np.ndarray:
    """Final conversion value for each day's spend, from a random diminishing-returns curve."""
    roas_at_current = np.exp(rng.uniform(np.log(0.3), np.log(8.0)))
    if rng.random() < 0.5:
        beta = rng.uniform(0.2, 0.9)
        curve = roas_at_current * current * (spend / current) ** beta
    else:
        k = current * rng.uniform(0.3, 3.0)
        curve = roas_at_current * current * -np.expm1(-spend / k) / -np.expm1(-current / k)
    days = np.arange(DAYS)
    weekday = WEEKDAY[(days + rng.integers(0, 7)) % 7]
    noise = rng.lognormal(0.0, rng.uniform(0.05, 0.4), DAYS)
    return curve * weekday * noise


@st.composite
def portfolios(draw, max_changes=NO_CAP):
    n = draw(st.integers(2, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    floor = draw(st.sampled_from([0, 100, 500]))
    limits = PolicyLimits(
        max_budget_increase_pct=Decimal(draw(st.sampled_from([10, 20, 30, 50]))),
        max_budget_decrease_pct=Decimal(draw(st.sampled_from([10, 30, 50]))),
        budget_floor=Decimal(floor),
        max_changes_per_run=draw(max_changes),
    )
    exponent = draw(st.sampled_from([2, 2, 0]))  # paise, or whole yen
    budgets = np.round(np.exp(rng.uniform(np.log(150), np.log(50_000), n)), exponent)
    below_floor = (rng.random(n) < draw(st.sampled_from([0.0, 0.1, 0.3]))) & (floor > 0)
    budgets = np.where(below_floor, np.round(floor * rng.uniform(0.5, 0.99, n), exponent), budgets)
    limited = rng.random(n) < draw(st.floats(0, 0.6))
    # Spend limits at or above today's budget (a budget above its limit is another story:
    # see test_pipeline_guardrails).
    scale = 10.0**exponent
    max_spend = np.where(
        limited, np.ceil(budgets * rng.uniform(1.0, 1.5, n) * scale) / scale, np.inf
    )
    pinned = rng.random(n) < draw(st.sampled_from([0.0, 0.1, 0.3, 0.8]))
    cooling = rng.random(n) < draw(st.sampled_from([0.0, 0.1, 0.3]))
    paused = rng.random(n) < 0.1
    thin = rng.random(n) < 0.15
    pool = rng.integers(0, draw(st.integers(1, 3)), n)

    history = np.array([_history(rng, b) for b in budgets])
    spend = history * rng.uniform(0.95, 1.0, history.shape)
    value = np.array([_response(rng, spend[i], budgets[i]) for i in range(n)])
    # Clicks per day: 30–300 (thin: 1–4, under the policy's 100 in 14 days even at
    # 1.5 × the budget); about 5–30 conversions a day.
    clicks_per_day = np.where(thin, rng.uniform(1, 4, n), rng.uniform(30, 300, n))
    aov = value.mean(axis=1) / rng.uniform(5, 30, n)
    inputs = account_inputs(
        budgets,
        spend=spend,
        value=value,
        history_budgets=history,
        cpc=budgets / clicks_per_day,
        aov=aov,
        pinned=pinned,
        cooling_down=cooling,
        active=~paused,
        max_daily_spend=max_spend,
        portfolio=pool,
        exponent=exponent,
    )
    return Portfolio(
        inputs=inputs,
        limits=limits,
        budgets=[Decimal(f"{b:.{exponent}f}") for b in budgets],
        limit=[Decimal(f"{m:.{exponent}f}") if np.isfinite(m) else None for m in max_spend],
        unit=Decimal(1).scaleb(-exponent),
        fixed=pinned | cooling | paused | thin,
        thin=thin,
        set_aside=pinned | cooling | paused,
        pool=pool,
    )


def plan_of(p: Portfolio):
    return plan_account(p.inputs, limits=p.limits, autonomy=Autonomy.AUTONOMOUS)


def budget_changes(plan) -> dict[int, Decimal]:
    return {pr.campaign_index: pr.proposed for pr in plan.proposals if pr.kind == "budget"}


def bounds(p: Portfolio, i: int) -> tuple[Decimal, Decimal]:
    """Campaign i's allowed budget range, straight from the policy's words."""
    current = p.budgets[i]
    if p.fixed[i]:
        return current, current
    inc, dec = p.limits.max_budget_increase_pct, p.limits.max_budget_decrease_pct
    upper = (current * (100 + inc) / 100).quantize(p.unit, "ROUND_FLOOR")
    if p.limit[i] is not None:
        upper = min(upper, p.limit[i])
    lower = max(
        (current * (100 - dec) / 100).quantize(p.unit, "ROUND_CEILING"), p.limits.budget_floor
    )
    # Below the floor and out of the cap's reach: raised as far as the cap allows.
    return min(lower, upper), upper


def pool_note(plan, pool: int) -> list[str]:
    name = pool or "default"
    return [n for n in plan.notes if n.startswith(f"Budget pool {name}: no reallocation")]


SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(portfolios())
def test_every_pool_total_is_exact_to_the_last_minor_unit(p):
    changes = budget_changes(plan_of(p))

    before, after = defaultdict(Decimal), defaultdict(Decimal)
    for i, current in enumerate(p.budgets):
        before[p.pool[i]] += current
        after[p.pool[i]] += changes.get(i, current)
    assert after == before


@SETTINGS
@given(portfolios())
def test_no_budget_breaks_a_cap_the_floor_or_a_spend_limit(p):
    limits = p.limits
    for i, proposed in budget_changes(plan_of(p)).items():
        current = p.budgets[i]
        assert proposed != current
        assert proposed == proposed.quantize(p.unit), (i, proposed)  # whole minor units
        assert proposed * 100 <= current * (100 + limits.max_budget_increase_pct), i
        assert proposed * 100 >= current * (100 - limits.max_budget_decrease_pct), i
        if p.limit[i] is not None:
            assert proposed <= p.limit[i], i
        # Never below the floor, unless a budget already below it is raised toward it.
        assert proposed >= limits.budget_floor or proposed > current, i
        verdict = check_budget(
            current=current, proposed=proposed, limits=limits, max_daily_spend=p.limit[i]
        )
        assert verdict.ok, (i, verdict.detail)


@SETTINGS
@given(portfolios())
def test_pinned_cooling_paused_and_thin_campaigns_are_never_touched(p):
    plan = plan_of(p)

    groups = p.inputs.ad_groups.campaign_index
    touched = {pr.campaign_index for pr in plan.proposals if pr.campaign_index is not None}
    touched |= {
        int(groups[pr.ad_group_index]) for pr in plan.proposals if pr.ad_group_index is not None
    }
    assert not touched & set(np.flatnonzero(p.fixed).tolist())
    evidence_holds = {
        h.index for h in plan.holds if h.target == "campaign" and "not enough evidence" in h.reason
    }
    # The generator's thin campaigns are the ones held for evidence (unless held for a pin,
    # a cooldown or a pause first): the property above is about the campaigns it meant.
    assert evidence_holds == set(np.flatnonzero(p.thin & ~p.set_aside).tolist())


@SETTINGS
@given(portfolios())
def test_an_infeasible_pool_changes_nothing_and_a_note_says_why(p):
    plan = plan_of(p)
    changes = budget_changes(plan)

    for pool in np.unique(p.pool):
        members = np.flatnonzero(p.pool == pool)
        lower = sum(bounds(p, i)[0] for i in members)
        total = sum(p.budgets[i] for i in members)
        if lower > total:
            assert not set(members.tolist()) & changes.keys()
            (note,) = pool_note(plan, int(pool))
            assert "no budget was changed" in note
        else:
            assert pool_note(plan, int(pool)) == []
            assert all(
                bounds(p, i)[0] <= changes[i] <= bounds(p, i)[1] for i in members if i in changes
            )


@SETTINGS
@given(portfolios(max_changes=st.integers(1, 6)))
def test_max_changes_per_run_caps_the_plan_and_every_total_still_holds(p):
    plan = plan_of(p)

    assert len(plan.proposals) <= p.limits.max_changes_per_run
    changes = budget_changes(plan)
    before, after = defaultdict(Decimal), defaultdict(Decimal)
    for i, current in enumerate(p.budgets):
        before[p.pool[i]] += current
        after[p.pool[i]] += changes.get(i, current)
    assert after == before
