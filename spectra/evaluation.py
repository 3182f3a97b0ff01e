"""Scoring decision strategies on the sandbox world (bench/decisions.py prints it).

Each strategy runs the same world forward day by day with the same total
budget. Every morning it sees only what the platform would report that day
(yesterday's conversions still arriving), decides, and its writes take
effect the next day — the platform's own rule. The score of a day is the
world's noise-free expected conversion value under the settings in effect,
so strategies are compared on decisions, not on luck.

- hold:    changes nothing.
- seed:    the seed document's tier heuristic, daily: tiers by ROAS, +20 % /
           +10 % / −20 %, the 30 % cap and the ₹100 floor, then every budget
           scaled by one factor to restore the total (the naive neutrality).
- spectra: `optimizer.pipeline.plan_account` — the production pipeline with
           the default guardrails (30 % cap, floor, 72 h cooldown, significance,
           lag correction), autonomous, applying what it proposes.
- oracle:  the best split of the same total knowing the true response curves of
           the next day, free of caps and cooldowns — an upper bound.

The oracle moves budgets only, so it bounds budget decisions only: `spectra` applies
the pipeline's budget proposals and leaves bids and audiences as they are, like every
other strategy. `spectra+` also applies its bid and audience proposals; it can beat
the budget-only oracle and is printed for information, not compared against it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from campaigns.guardrails import PolicyLimits
from campaigns.models.accounts import Autonomy
from executors.sandbox.reports import generated_rows, report_query
from executors.sandbox.world import World
from optimizer.frame import MetricFrame
from optimizer.inputs import (
    AccountInputs,
    AdGroupTable,
    AudienceTable,
    CampaignTable,
    SeasonalWindow,
)
from optimizer.load import AD_GROUP_DAYS
from optimizer.pipeline import plan_account

HISTORY_DAYS = 35
COOLDOWN_DAYS = 3  # the default policy's 72 h
STRATEGIES = ("hold", "seed", "spectra", "oracle")


@dataclass
class Score:
    strategy: str
    value: list[float] = field(default_factory=list)  # expected conversion value per day
    spend: list[float] = field(default_factory=list)
    budget_total: list[float] = field(default_factory=list)
    cap_breaks: int = 0  # a budget moved more than +30 % / −30 % in one step (not oracle)


def _frame(world: World, ad_group_level: bool) -> MetricFrame:
    """The last HISTORY_DAYS complete days as the report shows them today (lagged)."""
    start = world.today_date - timedelta(days=HISTORY_DAYS)
    query = report_query(world, start, world.today_date - timedelta(days=1))
    rows = generated_rows(world, query, 0, 10**9)
    n_groups, days = len(world.ad_group_ids), HISTORY_DAYS
    day_of = {(start + timedelta(days=d)).isoformat(): d for d in range(days)}
    arrays = np.zeros((5, n_groups, days))
    for row in rows:
        g, d = world.ad_group_index(row["adGroupId"]), day_of[row["date"]]
        arrays[:, g, d] = (
            row["impressions"],
            row["clicks"],
            row["conversions"],
            row["conversionValue"],
            row["spend"],
        )
    ids = np.arange(n_groups, dtype=np.int64)
    if not ad_group_level:
        owner = world.params.ad_group_campaign
        n = len(world.campaign_ids)
        arrays = np.stack(
            [
                np.stack([np.bincount(owner, arrays[k, :, d], n) for d in range(days)], axis=1)
                for k in range(5)
            ]
        )
        ids = np.arange(n, dtype=np.int64)
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(start, "D") + days)
    return MetricFrame(
        dates=dates,
        entity_ids=ids,
        impressions=arrays[0],
        clicks=arrays[1],
        conversions=arrays[2],
        value=arrays[3],
        spend=arrays[4],
        as_of=world.today_date,
    )


def inputs_from_world(world: World, *, last_change: dict[int, int]) -> AccountInputs:
    """AccountInputs as `optimizer.load` would build them after a sync of this world."""
    n = len(world.campaign_ids)
    settings = world.settings_on(world.today + 1)  # the latest settings (incl. today's writes)
    first = world.today - HISTORY_DAYS
    budgets = np.stack([world.settings_on(d).budgets for d in range(first, world.today)], axis=1)
    groups = world.ad_groups()
    segments = world.segments()
    campaigns = CampaignTable(
        ids=np.arange(n, dtype=np.int64),
        budget=settings.budgets.copy(),
        max_daily_spend=np.full(n, np.inf),
        pinned=np.zeros(n, dtype=bool),
        cooling_down=np.array(
            [world.today - last_change.get(i, -99) < COOLDOWN_DAYS for i in range(n)]
        ),
        active=settings.campaign_active.copy(),
        target_cpa=np.full(n, np.nan),
        target_roas=np.full(n, np.nan),
        portfolio=np.zeros(n, dtype=np.int64),
    )
    ad_groups = AdGroupTable(
        ids=np.arange(len(groups), dtype=np.int64),
        campaign_index=world.params.ad_group_campaign.astype(np.int64),
        bid=np.array([g["averageBid"] for g in groups]),
        quality_score=np.array([g["qualityScore"] for g in groups], dtype=np.float64),
        active=np.array([g["status"] == "active" for g in groups]),
    )
    audiences = AudienceTable(
        ids=np.arange(len(segments), dtype=np.int64),
        active=np.array([s["status"] == "active" for s in segments], dtype=bool),
        intent=np.array([s["intentScore"] for s in segments], dtype=np.float64),
        fatigue=np.array([s["fatigueScore"] for s in segments], dtype=np.float64),
        profiles=np.array([s["estimatedProfiles"] for s in segments], dtype=np.int64),
    )
    events = tuple(
        SeasonalWindow(
            e["name"], _date(e["startDate"]), _date(e["endDate"]), float(e["demandMultiplier"])
        )
        for e in world.events()
    )
    return AccountInputs(
        as_of=world.today_date,
        currency_exponent=2,
        campaigns=campaigns,
        campaign_metrics=_frame(world, False),
        ad_groups=ad_groups,
        ad_group_metrics=_tail(_frame(world, True), AD_GROUP_DAYS),
        audiences=audiences,
        events=events,
        campaign_budgets=budgets,
        currency_symbol="₹",
    )


def _tail(frame: MetricFrame, days: int) -> MetricFrame:
    return MetricFrame(
        dates=frame.dates[-days:],
        entity_ids=frame.entity_ids,
        impressions=frame.impressions[:, -days:],
        clicks=frame.clicks[:, -days:],
        conversions=frame.conversions[:, -days:],
        value=frame.value[:, -days:],
        spend=frame.spend[:, -days:],
        as_of=frame.as_of,
    )


def _date(text: str) -> date:
    return date.fromisoformat(text)


# --- strategies: each returns {campaign index: new budget} (and applies other writes) -----


def decide_spectra(world: World, state: dict, *, all_levers: bool = False) -> dict[int, float]:
    inputs = inputs_from_world(world, last_change=state.setdefault("last_change", {}))
    plan = plan_account(inputs, limits=PolicyLimits(), autonomy=Autonomy.AUTONOMOUS)
    budgets = {}
    for p in plan.proposals:
        if p.kind == "budget":
            budgets[p.campaign_index] = float(p.proposed)
            state["last_change"][p.campaign_index] = world.today
        elif not all_levers:
            continue
        elif p.kind == "bid":
            world.set_ad_group_bid(world.ad_group_ids[p.ad_group_index], float(p.proposed))
        elif p.kind in ("audience_activate", "audience_suppress"):
            world.set_segment_status(
                world.segment_ids[p.audience_index], p.kind == "audience_activate"
            )
    return budgets


def decide_seed(world: World, state: dict) -> dict[int, float]:
    """The seed's heuristic: ROAS tiers, +20 % / +10 % / −20 %, cap, floor, then rescale."""
    frame = inputs_from_world(world, last_change={}).campaign_metrics
    recent = frame.days_since <= 7
    roas = frame.value[:, recent].sum(1) / np.maximum(frame.spend[:, recent].sum(1), 1e-9)
    budgets = world.settings_on(world.today + 1).budgets.copy()
    total = budgets.sum()
    q25, q50, q75 = np.percentile(roas, [25, 50, 75])
    factor = np.where(
        roas >= q75, 1.20, np.where(roas >= q50, 1.10, np.where(roas < q25, 0.80, 1.0))
    )
    new = np.maximum(np.minimum(budgets * factor, budgets * 1.30), 100.0)
    new *= total / new.sum()  # the seed's "scale all budgets" neutrality
    return dict(enumerate(np.round(new, 2)))


def decide_oracle(world: World, state: dict) -> dict[int, float]:
    total = state["total"]
    best = world.optimal_budgets(total=total, day=world.today + 1)
    return {world.campaign_index(cid): b for cid, b in best.items()}


DECIDE = {
    "hold": lambda world, state: {},
    "seed": decide_seed,
    "spectra": decide_spectra,
    "oracle": decide_oracle,
    "spectra+": lambda world, state: decide_spectra(world, state, all_levers=True),
}


def run(
    strategy: str, *, seed: int, weeks: int = 8, campaigns: int = 48, start: date = date(2026, 1, 5)
) -> Score:
    """Run one strategy for `weeks` on a fresh world of `seed`; score every day."""
    world = World(seed, campaigns=campaigns, history_days=HISTORY_DAYS, start_date=start)
    score = Score(strategy)
    state = {"total": float(world.settings_on(world.today).budgets.sum())}
    decide = DECIDE[strategy]
    for _ in range(weeks * 7):
        before = world.settings_on(world.today + 1).budgets.copy()
        for index, amount in decide(world, state).items():
            world.set_campaign_budget(world.campaign_ids[index], float(amount))
        after = world.settings_on(world.today + 1).budgets
        moved = (after > before * 1.30 + 0.01) | (after < before * 0.70 - 0.01)
        if strategy != "oracle":
            score.cap_breaks += int(moved.sum())
        world.advance(1)
        day = world.today - 1
        curves = world.response_curves(day)
        in_effect = world.settings_on(day)
        score.value.append(world.expected_value(day=day))
        score.spend.append(float(curves.campaign_spend(in_effect.budgets).sum()))
        score.budget_total.append(float(in_effect.budgets.sum()))
    return score
