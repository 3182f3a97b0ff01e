"""Synthetic AccountInputs for pipeline tests: known histories, no database.

`account_inputs` builds what `optimizer.load` would read for an account whose
campaigns spend their budgets every day at a known ROAS (or at explicitly given
spend/value), with a platform-like conversion lag on the youngest days.
`write_daily_metrics` writes the same kind of history as DailyMetric rows.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from campaigns.models import DailyMetric
from optimizer.frame import MetricFrame
from optimizer.inputs import AccountInputs, AdGroupTable, AudienceTable, CampaignTable

AS_OF = date(2025, 6, 2)  # a Monday
DAYS = 35  # as optimizer.load.CAMPAIGN_DAYS
GROUP_DAYS = 14  # as optimizer.load.AD_GROUP_DAYS
# Share of a day's final conversions reported k days later (k = 1..7), like a real platform.
ARRIVALS = np.cumsum([0.55, 0.17, 0.10, 0.07, 0.05, 0.04, 0.02])


@dataclass(frozen=True)
class Group:
    """One ad group of campaign `campaign`; its metrics follow `roas`, `cpc` and `aov`."""

    campaign: int
    bid: float = 15.50
    quality_score: float = 9.0
    active: bool = True
    roas: float | None = None  # None: the campaign's ROAS
    spend: float | None = None  # daily spend; None: the campaign's budget
    cpc: float = 20.0
    aov: float = 1500.0


@dataclass(frozen=True)
class Segment:
    active: bool
    intent: float
    fatigue: float
    profiles: int = 100_000


def column_dates(days: int, as_of: date = AS_OF) -> np.ndarray:
    """The `days` complete days before as_of, oldest first."""
    end = np.datetime64(as_of, "D")
    return np.arange(end - days, end)


def _lag_share(days: int, as_of: date) -> np.ndarray:
    age = (np.datetime64(as_of, "D") - column_dates(days, as_of)).astype(np.int64)
    return np.where(age <= len(ARRIVALS), ARRIVALS[np.clip(age, 1, len(ARRIVALS)) - 1], 1.0)


def frame_from(
    spend: np.ndarray,
    value: np.ndarray,
    *,
    cpc: np.ndarray,
    aov: np.ndarray,
    ids: np.ndarray,
    as_of: date = AS_OF,
    lag: bool = True,
) -> MetricFrame:
    """A MetricFrame of final spend/value; clicks and conversions from cost per click and
    average order value; with `lag`, the young days' conversions are still arriving."""
    n, days = spend.shape
    cpc = np.broadcast_to(np.asarray(cpc, dtype=float), (n,))[:, None]
    aov = np.broadcast_to(np.asarray(aov, dtype=float), (n,))[:, None]
    share = _lag_share(days, as_of)[None, :] if lag else 1.0
    clicks = np.round(spend / cpc)
    return MetricFrame(
        dates=column_dates(days, as_of),
        entity_ids=np.asarray(ids, dtype=np.int64),
        impressions=clicks * 25.0,
        clicks=clicks,
        conversions=value / aov * share,
        value=value * share,
        spend=spend,
        as_of=as_of,
    )


def _per_campaign(values, n: int, default, dtype=float) -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=dtype)
    return np.broadcast_to(np.asarray(values, dtype=dtype), (n,)).copy()


def account_inputs(
    budgets,
    *,
    roas=3.0,
    spend: np.ndarray | None = None,
    value: np.ndarray | None = None,
    history_budgets: np.ndarray | None = None,
    cpc=20.0,
    aov=1500.0,
    noise: float = 0.05,
    seed: int = 0,
    lag: bool = True,
    pinned=None,
    cooling_down=None,
    active=None,
    max_daily_spend=None,
    target_cpa=None,
    target_roas=None,
    portfolio=None,
    groups: list[Group] | None = None,
    segments: list[Segment] = (),
    as_of: date = AS_OF,
    exponent: int = 2,
    events: tuple = (),
) -> AccountInputs:
    """Inputs for campaigns with current `budgets`, by default spending them every day at
    `roas` (per campaign or one for all) with multiplicative noise `noise`.

    Campaign i has id 1001 + i; ad groups (one per campaign unless `groups` is given)
    have ids 5001 + j; segments 9001 + k.
    """
    budgets = np.asarray(budgets, dtype=float)
    n = len(budgets)
    rng = np.random.default_rng(seed)
    roas_arr = _per_campaign(roas, n, 3.0)
    history = (
        np.repeat(budgets[:, None], DAYS, axis=1)
        if history_budgets is None
        else np.asarray(history_budgets, dtype=float)
    )
    if spend is None:
        spend = history * rng.uniform(0.97, 1.0, (n, DAYS))
    if value is None:
        value = roas_arr[:, None] * spend * rng.lognormal(0.0, noise, (n, DAYS))
    campaign_ids = np.arange(1001, 1001 + n, dtype=np.int64)
    campaign_frame = frame_from(
        spend, value, cpc=cpc, aov=aov, ids=campaign_ids, as_of=as_of, lag=lag
    )
    table = CampaignTable(
        ids=campaign_ids,
        budget=budgets,
        max_daily_spend=_per_campaign(max_daily_spend, n, np.inf),
        pinned=_per_campaign(pinned, n, False, bool),
        cooling_down=_per_campaign(cooling_down, n, False, bool),
        active=_per_campaign(active, n, True, bool),
        target_cpa=_per_campaign(target_cpa, n, np.nan),
        target_roas=_per_campaign(target_roas, n, np.nan),
        portfolio=_per_campaign(portfolio, n, 0, np.int64),
    )

    groups = [Group(campaign=i) for i in range(n)] if groups is None else groups
    group_ids = np.arange(5001, 5001 + len(groups), dtype=np.int64)
    g_spend = np.array(
        [np.full(GROUP_DAYS, budgets[g.campaign] if g.spend is None else g.spend) for g in groups]
    ).reshape(len(groups), GROUP_DAYS)
    g_roas = np.array([roas_arr[g.campaign] if g.roas is None else g.roas for g in groups])
    g_value = g_roas[:, None] * g_spend * rng.lognormal(0.0, noise, g_spend.shape)
    group_frame = frame_from(
        g_spend,
        g_value,
        cpc=np.array([g.cpc for g in groups]),
        aov=np.array([g.aov for g in groups]),
        ids=group_ids,
        as_of=as_of,
        lag=lag,
    )
    ad_groups = AdGroupTable(
        ids=group_ids,
        campaign_index=np.array([g.campaign for g in groups], dtype=np.int64),
        bid=np.array([g.bid for g in groups], dtype=float),
        quality_score=np.array([g.quality_score for g in groups], dtype=float),
        active=np.array([g.active for g in groups], dtype=bool),
    )
    audiences = AudienceTable(
        ids=np.arange(9001, 9001 + len(segments), dtype=np.int64),
        active=np.array([s.active for s in segments], dtype=bool),
        intent=np.array([s.intent for s in segments], dtype=float),
        fatigue=np.array([s.fatigue for s in segments], dtype=float),
        profiles=np.array([s.profiles for s in segments], dtype=np.int64),
    )
    return AccountInputs(
        as_of=as_of,
        currency_exponent=exponent,
        campaigns=table,
        campaign_metrics=campaign_frame,
        ad_groups=ad_groups,
        ad_group_metrics=group_frame,
        audiences=audiences,
        events=tuple(events),
        campaign_budgets=history,
        currency_symbol="₹",
    )


def write_daily_metrics(
    campaign,
    ad_group,
    *,
    as_of: date = AS_OF,
    days: int = DAYS,
    spend: float = 5000.0,
    roas: float = 3.0,
    cpc: float = 20.0,
    aov: float = 1500.0,
    noise: float = 0.05,
    seed: int = 0,
) -> int:
    """Write `days` complete days of DailyMetric rows before `as_of` for one ad group:
    `spend` a day at `roas` (± `noise`), clicks at `cpc`, conversions at `aov`. Returns
    the number of rows."""
    rng = np.random.default_rng(seed)
    synced = datetime.combine(as_of, time(1), tzinfo=UTC)
    cent = Decimal("0.01")
    rows = []
    for d in range(days, 0, -1):
        day_spend = spend * rng.uniform(0.97, 1.0)
        value = roas * day_spend * rng.lognormal(0.0, noise)
        clicks = round(day_spend / cpc)
        rows.append(
            DailyMetric(
                campaign=campaign,
                ad_group=ad_group,
                date=as_of - timedelta(days=d),
                impressions=clicks * 25,
                clicks=clicks,
                conversions=Decimal(str(value / aov)).quantize(cent),
                conversion_value=Decimal(str(value)).quantize(cent),
                spend=Decimal(str(day_spend)).quantize(cent),
                synced_at=synced,
            )
        )
    DailyMetric.objects.bulk_create(rows)
    return len(rows)
