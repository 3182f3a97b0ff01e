"""The economic model of the sandbox: how settings, calendar and audiences become metrics.

Everything here is a pure function of arrays, vectorised over all ad groups of one day,
so a day of a 5,000-ad-group world costs a handful of numpy operations. Randomness
comes only from `day_noise`, seeded by (world seed, day), which is what makes a replay
byte-identical whatever writes happened in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from executors.sandbox.response import ResponseCurves

# Share of a day's conversions reported k days after it closed (the day itself first).
LAG_KERNEL = (0.55, 0.17, 0.10, 0.07, 0.05, 0.04, 0.02)
# Fraction of a day's conversions that has arrived when the report is read k days after the
# day closed (k=0: the day is yesterday).
LAG_ARRIVED = tuple(float(x) for x in np.cumsum(LAG_KERNEL))
# Demand by weekday, Monday first: Indian e-commerce search dips at the weekend.
WEEKDAY_MULTIPLIERS = (1.00, 1.03, 1.04, 1.02, 0.97, 0.84, 0.80)
# Conversion quality of a campaign none of whose target audiences is active (broad reach).
BROAD_AUDIENCE_QUALITY = 0.85
# Auction win rate as a function of bid: share = 1 - exp(-BID_SHARE_SLOPE * bid / reference).
BID_SHARE_SLOPE = 1.2
# Fatigue of an inactive audience decays by this factor a day; active ones recover slowly.
FATIGUE_RECOVERY_INACTIVE = 0.85
FATIGUE_RECOVERY_ACTIVE = 0.01
# Multiplicative noise, each lognormal with mean 1 (sigma per metric).
NOISE_SIGMA = {"cap": 0.12, "cpc": 0.06, "ctr": 0.10, "conversions": 0.15, "value": 0.08}
NOISE_STREAM = 0x5EED


@dataclass
class Settings:
    """What the advertiser controls; one copy is in effect per simulated day."""

    budgets: np.ndarray  # per campaign, daily, in the world currency
    campaign_active: np.ndarray  # per campaign
    bids: np.ndarray  # per ad group, average CPC bid
    ad_group_active: np.ndarray  # per ad group
    segment_active: np.ndarray  # per audience segment

    def copy(self) -> Settings:
        """An independent copy (arrays are mutated in place by writes)."""
        return Settings(
            self.budgets.copy(),
            self.campaign_active.copy(),
            self.bids.copy(),
            self.ad_group_active.copy(),
            self.segment_active.copy(),
        )


@dataclass(frozen=True)
class Event:
    """A declared calendar event that multiplies demand on its days (inclusive)."""

    name: str
    kind: str
    start_day: int
    end_day: int
    multiplier: float


@dataclass(frozen=True)
class Shift:
    """A change in one campaign's conversion rate from `day` on (a regime change)."""

    campaign_index: int
    day: int
    multiplier: float
    description: str


@dataclass
class ModelParams:
    """Static parameters of a world; generated once from the seed."""

    start_date: dt.date
    ad_group_campaign: np.ndarray
    n_campaigns: int
    value_per_conversion: np.ndarray
    quality_score: np.ndarray
    cpc_ratio: np.ndarray
    bid_reference: np.ndarray
    ctr_base: np.ndarray
    impressions_potential: np.ndarray
    conversion_rate: np.ndarray
    hardness: np.ndarray
    budget_weight: np.ndarray
    intent: np.ndarray
    fatigue_rate: np.ndarray
    campaign_targets: np.ndarray  # (n_campaigns, k) segment indexes
    events: list[Event]
    shifts: list[Shift]
    exposure_baseline: np.ndarray  # per segment, spend that counts as "normal" exposure

    def day_multiplier(self, day: int) -> float:
        """Demand multiplier of a day: weekday seasonality times any declared event."""
        date = self.start_date + dt.timedelta(days=day)
        multiplier = WEEKDAY_MULTIPLIERS[date.weekday()]
        for event in self.events:
            if event.start_day <= day <= event.end_day:
                multiplier *= event.multiplier
        return multiplier

    def shift_factor(self, day: int) -> np.ndarray:
        """Per-campaign conversion-rate multiplier from regime shifts in effect on `day`."""
        factor = np.ones(self.n_campaigns)
        for shift in self.shifts:
            if day >= shift.day:
                factor[shift.campaign_index] *= shift.multiplier
        return factor


def audience_quality(params: ModelParams, segment_active: np.ndarray, fatigue: np.ndarray):
    """Per-segment quality and per-campaign quality (mean over its active target segments).

    High intent lifts conversion rates; fatigue (people who saw the ads too often) drags
    them down, so suppressing a fatigued segment or activating a fresh high-intent one
    pays off for every campaign that targets it.
    """
    segment = (0.55 + 0.9 * params.intent / 100.0) * (1.0 - 0.55 * fatigue / 100.0)
    targets = params.campaign_targets
    if targets.shape[1] == 0:
        return segment, np.full(params.n_campaigns, BROAD_AUDIENCE_QUALITY)
    active = segment_active[targets]
    n_active = active.sum(axis=1)
    total = (segment[targets] * active).sum(axis=1)
    campaign = np.where(n_active > 0, total / np.maximum(n_active, 1), BROAD_AUDIENCE_QUALITY)
    return segment, campaign


@dataclass(frozen=True)
class DayModel:
    """Response curves of one day plus the click-level quantities behind them."""

    curves: ResponseCurves
    cpc: np.ndarray
    ctr: np.ndarray
    impression_share: np.ndarray
    campaign_quality: np.ndarray
    multiplier: float


def day_model(
    params: ModelParams,
    day: int,
    settings: Settings,
    fatigue: np.ndarray,
    multiplier: float | None = None,
) -> DayModel:
    """Noise-free response of every ad group on `day` under `settings`.

    Bids buy impression share (more clicks available) at a higher cost per click, so a
    bid is a volume/price trade-off; quality score lowers the CPC paid for a given bid.
    """
    camp = params.ad_group_campaign
    m = params.day_multiplier(day) if multiplier is None else multiplier
    _, quality = audience_quality(params, settings.segment_active, fatigue)
    share = -np.expm1(-BID_SHARE_SLOPE * settings.bids / params.bid_reference)
    cpc = settings.bids * params.cpc_ratio
    ctr = params.ctr_base * np.sqrt(quality)[camp]
    clicks_cap = params.impressions_potential * share * m * ctr
    rate = params.conversion_rate * (params.shift_factor(day) * quality)[camp]

    spending = settings.campaign_active[camp] & settings.ad_group_active
    weight = np.where(spending, params.budget_weight, 0.0)
    weight_sum = np.bincount(camp, weights=weight, minlength=params.n_campaigns)
    weight = np.where(spending, weight / np.maximum(weight_sum, 1e-300)[camp], 0.0)

    curves = ResponseCurves(
        campaign_index=camp,
        n_campaigns=params.n_campaigns,
        weight=weight,
        max_conversions=rate * params.hardness * clicks_cap,
        spend_scale=np.maximum(params.hardness * clicks_cap * cpc, 1e-9),
        spend_cap=clicks_cap * cpc,
        value_per_conversion=params.value_per_conversion,
    )
    return DayModel(curves, cpc, ctr, share, quality, m)


def day_noise(seed: int, day: int, size: int) -> dict[str, np.ndarray]:
    """Mean-one lognormal noise factors of one day; depends only on (seed, day)."""
    z = np.random.default_rng([seed, day, NOISE_STREAM]).standard_normal((len(NOISE_SIGMA), size))
    return {
        name: np.exp(sigma * z[i] - sigma * sigma / 2)
        for i, (name, sigma) in enumerate(NOISE_SIGMA.items())
    }


# Row order of the metrics block produced by `simulate_day`.
METRICS = ("spend", "clicks", "impressions", "conversions", "value")


def simulate_day(
    params: ModelParams, seed: int, day: int, settings: Settings, fatigue: np.ndarray
) -> np.ndarray:
    """Realised metrics of one full day, shape (len(METRICS), n_ad_groups).

    Conversions here are the day's final total; the lag (when they are reported) is
    applied by the report, not stored.
    """
    model = day_model(params, day, settings, fatigue)
    curves = model.curves
    noise = day_noise(seed, day, len(curves.weight))
    budget = settings.budgets[curves.campaign_index] * curves.weight
    # Round down to the paisa so a campaign's ad groups never overspend its budget together.
    spend = np.floor(np.minimum(budget, curves.spend_cap * noise["cap"]) * 100) / 100
    clicks = np.round(spend / (model.cpc * noise["cpc"]))
    ctr = np.clip(model.ctr * noise["ctr"], 1e-4, 0.5)
    impressions = np.maximum(np.round(clicks / ctr), clicks)
    conversions = np.minimum(curves.conversions(spend) * noise["conversions"], clicks)
    value = conversions * curves.value_per_conversion * noise["value"]
    return np.stack([spend, clicks, impressions, conversions, value])


def next_fatigue(
    params: ModelParams, fatigue: np.ndarray, segment_active: np.ndarray, spend: np.ndarray
) -> np.ndarray:
    """Fatigue at the start of the next day given the day's ad group spend.

    Active segments tire in proportion to how much is spent on the campaigns targeting
    them (relative to normal); inactive segments recover quickly.
    """
    if len(fatigue) == 0:
        return fatigue
    campaign_spend = np.bincount(
        params.ad_group_campaign, weights=spend, minlength=params.n_campaigns
    )
    exposure = np.zeros(len(fatigue))
    for column in params.campaign_targets.T:
        exposure += np.bincount(column, weights=campaign_spend, minlength=len(fatigue))
    baseline = params.exposure_baseline
    relative = np.clip(np.where(baseline > 0, exposure / np.maximum(baseline, 1e-300), 0.0), 0, 3)
    tiring = (
        fatigue
        + params.fatigue_rate * relative * (1 - fatigue / 100.0)
        - FATIGUE_RECOVERY_ACTIVE * fatigue
    )
    resting = fatigue * FATIGUE_RECOVERY_INACTIVE
    return np.clip(np.where(segment_active, tiring, resting), 0.0, 100.0)
