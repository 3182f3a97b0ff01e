"""Reading an account into AccountInputs with a constant number of queries.

Seven queries whatever the account's size: campaigns, ad groups, audiences,
campaign-day sums, ad-group-day rows (recent days only), seasonal events and
nothing per row. Sums are cast to floats in SQL so a million rows never
become a million Decimal objects.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection
from django.db.models import Exists, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Cast

from campaigns.guardrails import SIGNIFICANT_KINDS, PolicyLimits
from campaigns.models import (
    AdAccount,
    AdGroup,
    AdGroupStatus,
    Audience,
    AudienceStatus,
    Campaign,
    CampaignStatus,
    DailyMetric,
    Recommendation,
    RecommendationStatus,
)
from campaigns.money import MINOR_UNITS
from optimizer.frame import MetricFrame
from optimizer.inputs import (
    AccountInputs,
    AdGroupTable,
    AudienceTable,
    CampaignTable,
    SeasonalWindow,
)
from optimizer.models import SeasonalEvent

CAMPAIGN_DAYS = 35  # the two-week view, plus history for lag and seasonality estimates
AD_GROUP_DAYS = 7  # bids judge the last complete week
_SUMS = {
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "value": "conversion_value",
    "spend": "spend",
}


def _float_sums():
    return {name: Cast(Sum(column), FloatField()) for name, column in _SUMS.items()}


def _rows(queryset) -> list[tuple]:
    """Fetch a values_list queryset's rows without Django's per-value converters.

    The SQL is the ORM's own; skipping the converters (one Python call per value)
    is what keeps a million metric cells from costing seconds. Sums are already
    cast to floats in SQL, so the raw values are plain numbers; dates come back as
    the backend's own type (text on SQLite, date on PostgreSQL).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dense(rows, ids: np.ndarray, start: date, days: int, as_of: date) -> MetricFrame:
    """Rows of (entity_id, date, impressions, clicks, conversions, value, spend) → frame."""
    arrays = {name: np.zeros((len(ids), days)) for name in _SUMS}
    if rows:
        columns = list(zip(*rows, strict=True))
        day_of = {}
        for d in range(days):
            day = start + timedelta(days=d)
            day_of[day] = day_of[day.isoformat()] = d
        entity = np.array(columns[0], dtype=np.int64)
        day = np.array([day_of.get(value, -1) for value in columns[1]], dtype=np.int64)
        row_index = np.searchsorted(ids, entity)
        known = (row_index < len(ids)) & (ids[np.minimum(row_index, len(ids) - 1)] == entity)
        known &= day >= 0
        for k, name in enumerate(_SUMS, start=2):
            values = np.array(columns[k], dtype=np.float64)  # SQL NULL → nan
            arrays[name][row_index[known], day[known]] = np.nan_to_num(values[known])
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(start + timedelta(days=days), "D"))
    return MetricFrame(dates=dates, entity_ids=ids, as_of=as_of, **arrays)


def load_account_inputs(
    account: AdAccount,
    *,
    as_of: date,
    now: datetime,
    limits: PolicyLimits,
    currency_symbol: str = "",
) -> AccountInputs:
    """Everything the pipeline needs for one account, as arrays."""
    # A significant change approved but not yet executed will start the cooldown: the
    # campaign is cooling down already (one significant change per campaign per cooldown).
    pending = Recommendation.objects.filter(
        campaign=OuterRef("pk"),
        kind__in=SIGNIFICANT_KINDS,
        status__in=[RecommendationStatus.APPROVED, RecommendationStatus.EXECUTING],
    )
    campaigns = list(
        Campaign.objects.filter(account=account)
        .exclude(status=CampaignStatus.ARCHIVED)
        .annotate(change_pending=Exists(pending))
        .order_by("pk")
        .values_list(
            "pk",
            "daily_budget",
            "max_daily_spend",
            "is_pinned",
            "last_significant_change_at",
            "status",
            "target_cpa",
            "target_roas",
            "budget_pool_id",
            "change_pending",
        )
    )
    campaign_ids = np.array([c[0] for c in campaigns], dtype=np.int64)
    cooldown_start = now - timedelta(hours=limits.cooldown_hours)
    table = CampaignTable(
        ids=campaign_ids,
        budget=np.array([float(c[1]) for c in campaigns]),
        max_daily_spend=np.array([float(c[2]) if c[2] is not None else np.inf for c in campaigns]),
        pinned=np.array([c[3] for c in campaigns], dtype=bool),
        cooling_down=np.array(
            [(c[4] is not None and c[4] > cooldown_start) or c[9] for c in campaigns], dtype=bool
        ),
        active=np.array([c[5] == CampaignStatus.ACTIVE for c in campaigns], dtype=bool),
        target_cpa=np.array([float(c[6]) if c[6] is not None else np.nan for c in campaigns]),
        target_roas=np.array([float(c[7]) if c[7] is not None else np.nan for c in campaigns]),
        portfolio=np.array([c[8] or 0 for c in campaigns], dtype=np.int64),
    )

    start = as_of - timedelta(days=CAMPAIGN_DAYS)
    campaign_rows = _rows(
        DailyMetric.objects.filter(campaign__account=account, date__gte=start, date__lt=as_of)
        .values("campaign_id", "date")
        .order_by()
        .annotate(**_float_sums())
        .values_list("campaign_id", "date", *_SUMS)
    )

    groups = list(
        AdGroup.objects.filter(campaign__account=account)
        .exclude(campaign__status=CampaignStatus.ARCHIVED)
        .order_by("pk")
        .values_list("pk", "campaign_id", "bid", "quality_score", "status")
    )
    group_ids = np.array([g[0] for g in groups], dtype=np.int64)
    ad_groups = AdGroupTable(
        ids=group_ids,
        campaign_index=np.searchsorted(
            campaign_ids, np.array([g[1] for g in groups], dtype=np.int64)
        ),
        bid=np.array([float(g[2]) for g in groups]),
        quality_score=np.array([float(g[3]) if g[3] is not None else np.nan for g in groups]),
        active=np.array([g[4] == AdGroupStatus.ACTIVE for g in groups], dtype=bool),
    )
    group_start = as_of - timedelta(days=AD_GROUP_DAYS)
    group_rows = _rows(
        DailyMetric.objects.filter(campaign__account=account, date__gte=group_start, date__lt=as_of)
        .annotate(**{f"f_{n}": Cast(c, FloatField()) for n, c in _SUMS.items()})
        .values_list("ad_group_id", "date", *(f"f_{n}" for n in _SUMS))
    )

    audience_rows = list(
        Audience.objects.filter(account=account)
        .order_by("pk")
        .values_list("pk", "status", "intent_score", "fatigue_score", "estimated_profiles")
    )
    audiences = AudienceTable(
        ids=np.array([a[0] for a in audience_rows], dtype=np.int64),
        active=np.array([a[1] == AudienceStatus.ACTIVE for a in audience_rows], dtype=bool),
        intent=np.array([float(a[2]) for a in audience_rows]),
        fatigue=np.array([float(a[3]) for a in audience_rows]),
        profiles=np.array([a[4] for a in audience_rows], dtype=np.int64),
    )

    events = tuple(
        SeasonalWindow(
            name=e.name, start=e.start_date, end=e.end_date, multiplier=float(e.multiplier)
        )
        for e in SeasonalEvent.objects.filter(
            Q(organization_id=account.organization_id), start_date__lte=as_of, end_date__gte=start
        )
    )
    return AccountInputs(
        as_of=as_of,
        currency_exponent=MINOR_UNITS.get(account.currency, 2),
        campaigns=table,
        campaign_metrics=_dense(campaign_rows, campaign_ids, start, CAMPAIGN_DAYS, as_of),
        ad_groups=ad_groups,
        ad_group_metrics=_dense(group_rows, group_ids, group_start, AD_GROUP_DAYS, as_of),
        audiences=audiences,
        events=events,
        campaign_budgets=_budget_history(account, campaign_ids, table.budget, start, CAMPAIGN_DAYS),
        currency_symbol=currency_symbol,
    )


def _budget_history(
    account, ids: np.ndarray, current: np.ndarray, start: date, days: int
) -> np.ndarray:
    """Each campaign's daily budget on each day of the window, from its history (1 query).

    A budget recorded on day d takes effect on d + 1 (platforms apply a new daily
    budget from the next day); the latest record before the window sets its start.
    Only rows whose budget differs from the one before are history-worthy, so the
    history is short next to the metrics.
    """
    budgets = np.repeat(current[:, None], days, axis=1)
    zone = ZoneInfo(account.time_zone)  # "a day" is the account's day, not UTC's
    end = datetime.combine(start + timedelta(days=days), time(), tzinfo=zone)
    rows = (
        Campaign.history.filter(account=account, history_date__lt=end)
        .order_by("id", "history_date")
        .values_list("id", "history_date", "daily_budget")
    )
    for campaign_id, when, budget in rows:
        i = int(np.searchsorted(ids, campaign_id))
        if i >= len(ids) or ids[i] != campaign_id:
            continue
        effective = (when.astimezone(zone).date() - start).days + 1
        budgets[i, max(effective, 0) :] = float(budget)
    return budgets
