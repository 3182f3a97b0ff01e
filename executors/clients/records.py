"""The platform-neutral records every client yields to sync.

Clients rename fields into these shapes but do not judge values: a record
may carry nonsense (negative spend, a string for clicks) and sync decides,
keeping the platform's original row in `raw` for the quarantine.
"""

from typing import Any, TypedDict


class CampaignRecord(TypedDict):
    external_id: Any
    name: Any
    status: Any  # "active" | "paused"
    daily_budget: Any
    currency: Any
    raw: dict


class AdGroupRecord(TypedDict):
    external_id: Any
    campaign_external_id: Any
    name: Any
    status: Any
    bid: Any
    quality_score: Any
    raw: dict


class AudienceRecord(TypedDict):
    external_id: Any
    name: Any
    status: Any  # "active" | "suppressed"
    intent_score: Any
    fatigue_score: Any
    estimated_profiles: Any
    raw: dict


class MetricRecord(TypedDict):
    date: Any
    ad_group_external_id: Any
    campaign_external_id: Any
    impressions: Any
    clicks: Any
    conversions: Any
    conversion_value: Any
    spend: Any
    raw: dict
