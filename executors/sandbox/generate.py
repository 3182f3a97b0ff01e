"""Random generation of a sandbox world from its seed.

The generated account is deliberately mis-managed, the way real accounts drift: the
campaigns with the best marginal return are starved of budget while weak ones hold more
budget than their demand can absorb. Holding the budgets therefore earns clearly less
than the best split of the same total, which is the room an optimiser has to find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from executors.sandbox.model import (
    Event,
    ModelParams,
    Settings,
    Shift,
    day_model,
)

GENERATION_STREAM = 0xC0FFEE
# Hold must earn at most this share of the oracle's value at design conditions; the
# public promise is 85 %, the margin absorbs weekday, fatigue and regime differences.
TARGET_HOLD_RATIO = 0.75
# Share of the sum of campaign saturation budgets that the account's total budget is.
BUDGET_LEVEL = 0.45

CATEGORIES = (
    "Sarees", "Kurtas", "Smartphones", "Laptops", "Sneakers", "Cookware", "Skincare",
    "Ayurveda", "Gold Jewellery", "Home Decor", "Toys", "Books", "Groceries", "Pet Care",
    "Fitness", "Headphones", "Watches", "Furniture", "Baby Care", "Travel", "Insurance",
    "Credit Cards", "Online Courses", "Two-Wheelers",
)  # fmt: skip
CHANNELS = ("Search", "Shopping", "Performance Max", "Display", "YouTube", "Discovery")
REGIONS = ("North", "South", "East", "West", "Metros", "Pan-India")
AD_GROUP_THEMES = (
    "Brand Exact", "Generic Phrase", "Competitor", "Broad Match", "Remarketing",
    "Lookalike", "Long-tail", "Offers",
)  # fmt: skip
SEGMENT_NAMES = (
    "Cart Abandoners 7d", "High-Intent Browsers", "Festive Shoppers", "Lapsed Buyers 90d",
    "Premium Members", "App Installers", "Deal Seekers", "Newsletter Subscribers",
    "Repeat Purchasers", "Wishlist Savers", "First-Time Visitors", "Loyalty Gold Tier",
    "Video Engagers", "Store Visitors", "Credit Card Prospects", "Young Professionals",
)  # fmt: skip


@dataclass
class GeneratedWorld:
    """Everything random about a world, fixed by (seed, sizes, start date)."""

    params: ModelParams
    campaign_ids: list[str]
    campaign_names: list[str]
    campaign_start_dates: list[str]
    ad_group_ids: list[str]
    ad_group_names: list[str]
    segment_ids: list[str]
    segment_names: list[str]
    segment_profiles: np.ndarray
    initial: Settings
    history: list[Settings]
    initial_fatigue: np.ndarray


def generate_world(
    seed: int,
    *,
    campaigns: int,
    ad_groups_per_campaign: int,
    audiences: int,
    history_days: int,
    start_date: dt.date,
) -> GeneratedWorld:
    """Draw a world: entities, response parameters, calendar and a poor budget allocation."""
    rng = np.random.default_rng([seed, GENERATION_STREAM])
    nc, per = campaigns, ad_groups_per_campaign
    n = nc * per
    camp = np.repeat(np.arange(nc), per)

    category = rng.integers(len(CATEGORIES), size=nc)
    channel = rng.integers(len(CHANNELS), size=nc)
    region = rng.integers(len(REGIONS), size=nc)
    theme_offset = rng.integers(len(AD_GROUP_THEMES), size=nc)
    campaign_age = rng.integers(0, 240, size=nc)

    # Ad group economics. Lognormals because money quantities are skewed.
    order_value = np.exp(rng.normal(np.log(1800), 0.6, nc))
    value_per_conversion = order_value[camp] * np.exp(rng.normal(0, 0.15, n))
    quality = np.clip(np.round(rng.normal(6.5, 1.8, n)), 2, 10).astype(int)
    cpc_ratio = 0.45 + 0.05 * (10 - quality)  # better quality pays less per click
    bids = np.maximum(np.round(np.exp(rng.normal(np.log(18), 0.45, n)), 2), 2.0)
    bid_reference = bids * np.exp(rng.normal(0, 0.3, n))
    ctr_base = (0.006 + 0.0035 * quality) * np.exp(rng.normal(0, 0.25, n))
    impressions_potential = np.exp(rng.normal(np.log(60000), 0.8, n))
    conversion_rate = np.minimum(np.exp(rng.normal(np.log(0.035), 0.5, n)), 0.25)
    hardness = np.exp(rng.normal(np.log(0.6), 0.35, n))
    # The advertiser split each campaign roughly by size, with a lot of guesswork.
    budget_weight = impressions_potential * ctr_base * bids * np.exp(rng.normal(0, 0.5, n))

    ad_group_active = rng.random(n) >= 0.06
    first_of_campaign = np.arange(0, n, per)
    ad_group_active[first_of_campaign] = True  # every campaign keeps something to spend on

    intent, fatigue_rate, segment_active, fatigue0, profiles = _segments(rng, audiences)
    k = min(2, audiences)
    targets = np.argsort(rng.random((nc, audiences)), axis=1)[:, :k].astype(int)

    events = _events(history_days)
    shifts = _shifts(rng, nc, history_days)

    params = ModelParams(
        start_date=start_date,
        ad_group_campaign=camp,
        n_campaigns=nc,
        value_per_conversion=value_per_conversion,
        quality_score=quality,
        cpc_ratio=cpc_ratio,
        bid_reference=bid_reference,
        ctr_base=ctr_base,
        impressions_potential=impressions_potential,
        conversion_rate=conversion_rate,
        hardness=hardness,
        budget_weight=budget_weight,
        intent=intent,
        fatigue_rate=fatigue_rate,
        campaign_targets=targets,
        events=events,
        shifts=shifts,
        exposure_baseline=np.zeros(audiences),
    )
    initial = Settings(
        budgets=np.zeros(nc),
        campaign_active=np.ones(nc, dtype=bool),
        bids=bids,
        ad_group_active=ad_group_active,
        segment_active=segment_active,
    )
    initial.budgets = _poor_budgets(rng, params, initial, fatigue0, history_days)

    # Exposure counts as "normal" at the spend the initial settings produce on an average day.
    curves = day_model(params, history_days, initial, fatigue0, multiplier=1.0).curves
    campaign_spend = curves.campaign_spend(initial.budgets)
    baseline = np.zeros(audiences)
    for column in targets.T:
        baseline += np.bincount(column, weights=campaign_spend, minlength=audiences)
    params.exposure_baseline = baseline

    return GeneratedWorld(
        params=params,
        campaign_ids=[f"CMP-{i + 1:04d}" for i in range(nc)],
        campaign_names=[
            f"{CATEGORIES[category[i]]} | {CHANNELS[channel[i]]} | {REGIONS[region[i]]}"
            for i in range(nc)
        ],
        campaign_start_dates=[
            (start_date - dt.timedelta(days=int(campaign_age[i]))).isoformat() for i in range(nc)
        ],
        ad_group_ids=[f"AG-{i + 1:06d}" for i in range(n)],
        ad_group_names=[
            f"{CATEGORIES[category[camp[i]]]} - "
            f"{AD_GROUP_THEMES[(theme_offset[camp[i]] + i % per) % len(AD_GROUP_THEMES)]}"
            for i in range(n)
        ],
        segment_ids=[f"SEG-{i + 1:03d}" for i in range(audiences)],
        segment_names=[
            SEGMENT_NAMES[i % len(SEGMENT_NAMES)]
            + ("" if i < len(SEGMENT_NAMES) else f" {i // len(SEGMENT_NAMES) + 1}")
            for i in range(audiences)
        ],
        segment_profiles=profiles,
        initial=initial,
        history=_history(rng, initial, history_days),
        initial_fatigue=fatigue0,
    )


def _segments(rng: np.random.Generator, count: int):
    """Audience segments: a few fatigued-but-active, a few high-intent-but-inactive."""
    intent = rng.uniform(25, 85, count)
    rate = rng.uniform(0.5, 2.5, count)
    active = rng.random(count) < 0.7
    n_fatigued = count // 5 if count >= 5 else min(count, 1)
    n_fresh = count // 5 if count >= 5 else (1 if count >= 2 else 0)
    order = rng.permutation(count)
    fatigued, fresh = order[:n_fatigued], order[n_fatigued : n_fatigued + n_fresh]
    rate[fatigued] = rng.uniform(7, 10, len(fatigued))
    intent[fatigued] = rng.uniform(35, 70, len(fatigued))
    active[fatigued] = True
    intent[fresh] = rng.uniform(80, 95, len(fresh))
    # High-intent pools are small (retargeting lists): once switched on they tire fast.
    rate[fresh] = rng.uniform(3, 6, len(fresh))
    active[fresh] = False
    # Active segments start near the equilibrium of their tiring rate, so history is stable.
    equilibrium = rate / (rate / 100 + 0.01)
    fatigue = np.where(
        active, equilibrium * rng.uniform(0.9, 1.05, count), rng.uniform(5, 35, count)
    )
    fatigue[fresh] = rng.uniform(3, 20, len(fresh))
    fatigue = np.clip(fatigue, 0, 100)
    profiles = np.maximum(np.round(np.exp(rng.normal(np.log(150_000), 1.0, count)), -2), 1000)
    return intent, rate, active, fatigue, profiles.astype(np.int64)


def _events(history_days: int) -> list[Event]:
    """A festival week inside the history and a sale shortly after today."""
    festival_start = history_days - 21 if history_days >= 21 else history_days // 3
    return [
        Event("Festive Season Week", "festival", festival_start, festival_start + 6, 1.45),
        Event("Mega Sale Days", "sale", history_days + 9, history_days + 11, 1.25),
    ]


def _shifts(rng: np.random.Generator, campaigns: int, history_days: int) -> list[Shift]:
    """One campaign's curve worsens mid-history; another's improves a few days from today."""
    picks = rng.permutation(campaigns)
    decline_day = history_days - 12 if history_days >= 14 else max(1, history_days // 2)
    improver = int(picks[1]) if campaigns > 1 else int(picks[0])
    return [
        Shift(int(picks[0]), decline_day, 0.5,
              "A competitor entered the auction: conversion rate halved."),
        Shift(improver, history_days + 4, 1.6,
              "Landing page redesign: conversion rate up 60 %."),
    ]  # fmt: skip


def _poor_budgets(
    rng: np.random.Generator,
    params: ModelParams,
    settings: Settings,
    fatigue: np.ndarray,
    design_day: int,
) -> np.ndarray:
    """Budgets anti-correlated with marginal return, tuned until hold <= TARGET_HOLD_RATIO.

    The check runs on today's curves and on the curves after the upcoming regime shift,
    so the room to optimise survives the shift.
    """
    regimes = [
        day_model(params, day, settings, fatigue, multiplier=1.0).curves
        for day in (design_day, max(s.day for s in params.shifts))
    ]
    curves = regimes[0]
    saturation = curves.saturation_budgets()
    total = BUDGET_LEVEL * saturation.sum()
    optima = [regime.optimal_budgets(total) for regime in regimes]
    best_values = [regime.total_value(best) for regime, best in zip(regimes, optima, strict=True)]
    optimal = optima[0]
    efficiency = optimal / np.maximum(saturation, 1e-9)
    rank = np.argsort(np.argsort(-efficiency))  # 0 = the campaign the optimum favours most
    # -1 for the campaign the optimum favours most, +1 for the one it favours least.
    tilt = 2 * rank / max(params.n_campaigns - 1, 1) - 1
    jitter = np.exp(rng.normal(0, 0.35, params.n_campaigns))
    budgets = optimal
    for strength in (1.0, 1.4, 1.8, 2.4, 3.2, 4.5, 6.0):
        share = saturation * jitter * np.exp(strength * tilt)
        # Advertisers set round numbers.
        budgets = np.maximum(np.round(total * share / share.sum() / 100) * 100, 100.0)
        if all(
            regime.total_value(budgets) <= TARGET_HOLD_RATIO * best
            for regime, best in zip(regimes, best_values, strict=True)
        ):
            break
    return budgets


def _history(rng: np.random.Generator, final: Settings, days: int) -> list[Settings]:
    """Settings of the history days: budgets and some bids moved before settling.

    Past budget and bid changes are natural experiments; without them no optimiser could
    learn a response curve from the history.
    """
    nc, n = len(final.budgets), len(final.bids)
    settle = max(days - 7, 1)
    change_a = rng.integers(0, settle, nc)
    change_b = rng.integers(0, settle, nc)
    first, second = np.minimum(change_a, change_b), np.maximum(change_a, change_b)
    factor_a = np.exp(rng.normal(0, 0.3, nc))
    factor_b = np.exp(rng.normal(0, 0.3, nc))
    bid_changed = rng.random(n) < 0.3
    bid_change_day = rng.integers(0, max(days - 3, 1), n)
    bid_factor = np.exp(rng.normal(0, 0.2, n))

    history = []
    for day in range(days):
        factor = np.where(day < first, factor_a, np.where(day < second, factor_b, 1.0))
        settings = final.copy()
        settings.budgets = np.maximum(np.round(final.budgets * factor / 100) * 100, 100.0)
        earlier = bid_changed & (day < bid_change_day)
        settings.bids = np.where(
            earlier, np.maximum(np.round(final.bids / bid_factor, 2), 1.0), final.bids
        )
        history.append(settings)
    return history
