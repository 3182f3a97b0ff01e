"""Everything the optimiser decides from, as plain arrays and dataclasses.

`optimizer.load` builds these from the database with a constant number of
queries; the evaluation harness builds them from the sandbox's reports.
The pipeline never sees a model instance.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from optimizer.frame import MetricFrame


@dataclass(frozen=True)
class SeasonalWindow:
    """A declared event: demand on [start, end] is expected × multiplier."""

    name: str
    start: date
    end: date
    multiplier: float


@dataclass(frozen=True)
class CampaignTable:
    """Per-campaign state; index i matches row i of the campaign MetricFrame."""

    ids: np.ndarray  # int64 primary keys
    budget: np.ndarray  # float64 current daily budget (account currency)
    max_daily_spend: np.ndarray  # float64, np.inf where unset
    pinned: np.ndarray  # bool
    cooling_down: np.ndarray  # bool: a significant change within the policy's cooldown
    active: np.ndarray  # bool: ACTIVE (changeable) now
    target_cpa: np.ndarray  # float64, nan where unset
    target_roas: np.ndarray  # float64, nan where unset
    portfolio: np.ndarray  # int64 budget-pool id; campaigns of one pool share a total


@dataclass(frozen=True)
class AdGroupTable:
    ids: np.ndarray
    campaign_index: np.ndarray  # int64 index into CampaignTable
    bid: np.ndarray
    quality_score: np.ndarray  # float64, nan where unknown
    active: np.ndarray  # bool


@dataclass(frozen=True)
class AudienceTable:
    ids: np.ndarray
    active: np.ndarray  # bool (False = suppressed)
    intent: np.ndarray  # 0..100
    fatigue: np.ndarray  # 0..100
    profiles: np.ndarray  # int64


@dataclass(frozen=True)
class AccountInputs:
    as_of: date
    currency_exponent: int  # minor-unit digits: 2 for INR, 0 for JPY
    campaigns: CampaignTable
    campaign_metrics: MetricFrame  # rows = campaigns
    ad_groups: AdGroupTable
    ad_group_metrics: MetricFrame  # rows = ad groups
    audiences: AudienceTable
    events: tuple[SeasonalWindow, ...]
    # Daily budget in effect per campaign and day, aligned with campaign_metrics;
    # None when unknown (then no campaign can be recognised as demand-capped).
    campaign_budgets: np.ndarray | None = None
    currency_symbol: str = ""
