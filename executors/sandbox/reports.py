"""The performance report: one row per (day, ad group), as the platform would show it today.

Rows are produced page by page straight from the world's day arrays, so serving a large
report costs only the page being read. Conversions are those that have *arrived* by
today (see model.LAG_KERNEL), which is why a past day's figures still grow for a week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from executors.sandbox.model import LAG_ARRIVED, LAG_KERNEL
from executors.sandbox.world import World, parse_date


@dataclass(frozen=True)
class ReportQuery:
    """A validated report request: an inclusive day range over some ad groups."""

    first_day: int  # already clipped to the world's first day
    last_day: int  # inclusive; today only when include_today
    ad_groups: np.ndarray
    start_date: dt.date
    end_date: dt.date
    campaign_id: str | None


def report_query(
    world: World,
    start_date: str | dt.date,
    end_date: str | dt.date,
    *,
    campaign_id: str | None = None,
    include_today: bool = False,
) -> ReportQuery:
    """Resolve dates and campaign filter into day indexes; ValueError/KeyError on bad input."""
    start, end = parse_date(start_date), parse_date(end_date)
    if start > end:
        raise ValueError(f"startDate {start} is after endDate {end}")
    if end > world.today_date:
        raise ValueError(f"endDate {end} is after the sandbox's today ({world.today_date})")
    last_complete = world.today - 1
    last = min(world.day_of(end), world.today if include_today else last_complete)
    first = max(world.day_of(start), 0)
    if campaign_id is None:
        ad_groups = np.arange(len(world.ad_group_ids))
    else:
        ad_groups = world.campaign_ad_groups(world.campaign_index(campaign_id))
    return ReportQuery(first, last, ad_groups, start, end, campaign_id)


def generated_count(world: World, query: ReportQuery) -> int:
    """Number of simulated rows the query covers (before injected rows)."""
    return max(query.last_day - query.first_day + 1, 0) * len(query.ad_groups)


def generated_rows(world: World, query: ReportQuery, start: int, stop: int) -> list[dict]:
    """Simulated rows [start, stop) of the query, ordered by date then ad group id."""
    stop = min(stop, generated_count(world, query))
    if start >= stop:
        return []
    width = len(query.ad_groups)
    position = np.arange(start, stop)
    days = query.first_day + position // width
    ad_groups = query.ad_groups[position % width]

    values = np.zeros((5, len(position)))
    complete = days < world.today
    if complete.any():
        values[:, complete] = world.metrics(days[complete], ad_groups[complete])
        age = np.minimum(world.today - 1 - days[complete], len(LAG_ARRIVED) - 1)
        arrived = np.asarray(LAG_ARRIVED)[age]
        values[3, complete] *= arrived
        values[4, complete] *= arrived
    if not complete.all():
        # Today so far: a fixed fraction of the day, and only same-day conversions.
        partial = ~complete
        fraction = world.today_fraction
        today = world.today_metrics()[:, ad_groups[partial]] * fraction
        today[0] = np.floor(today[0] * 100) / 100
        today[1:3] = np.floor(today[1:3])
        today[3:5] *= LAG_KERNEL[0]
        # Rounding clicks down must not leave more conversions than clicks.
        capped = np.minimum(today[3], today[1])
        today[4] *= np.where(today[3] > 0, capped / np.maximum(today[3], 1e-300), 1.0)
        today[3] = capped
        values[:, partial] = today

    spend = np.round(values[0], 2).tolist()
    clicks = values[1].astype(np.int64).tolist()
    impressions = values[2].astype(np.int64).tolist()
    conversions = np.round(values[3], 2).tolist()
    value = np.round(values[4], 2).tolist()
    dates = {int(d): world.date_of(int(d)).isoformat() for d in np.unique(days)}
    day_list = days.tolist()
    ag_list = ad_groups.tolist()
    camp = world.params.ad_group_campaign
    campaign_ids, ad_group_ids, currency = world.campaign_ids, world.ad_group_ids, world.currency
    return [
        {
            "date": dates[day_list[i]],
            "campaignId": campaign_ids[camp[ag_list[i]]],
            "adGroupId": ad_group_ids[ag_list[i]],
            "impressions": impressions[i],
            "clicks": clicks[i],
            "conversions": conversions[i],
            "conversionValue": value[i],
            "spend": spend[i],
            "currency": currency,
        }
        for i in range(len(day_list))
    ]


def injected_rows(world: World, query: ReportQuery) -> list:
    """Injected raw rows that belong in this report.

    A row with a parseable `date` appears only in reports covering that date (and, when
    the report is filtered, only if its campaignId matches or is not a string). A row
    without a usable date appears in every report: the importer must quarantine it.
    """
    matching = []
    for row in world.injected["performanceRows"]:
        if isinstance(row, dict):
            try:
                date = parse_date(row.get("date"))
            except (TypeError, ValueError):
                date = None
            if date is not None and not query.start_date <= date <= query.end_date:
                continue
            row_campaign = row.get("campaignId")
            if isinstance(row_campaign, str) and query.campaign_id not in (None, row_campaign):
                continue
        matching.append(row)
    return matching
