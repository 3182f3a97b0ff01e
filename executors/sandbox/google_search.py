"""`googleAds:searchStream`: running a parsed GAQL query against the world.

Resources served (and the attributed resources whose fields they may select):

    customer            customer.*
    campaign            campaign.*, campaign_budget.*, customer.*
    campaign_budget     campaign_budget.*, customer.*
    ad_group            ad_group.*, campaign.*, customer.*  (+ segments.date, metrics.*)
    ad_group_criterion  ad_group_criterion.*, ad_group.*, campaign.*, customer.*

Metrics are served per day and per ad group only (`FROM ad_group`, with `segments.date`
selected and a finite date range in WHERE), from the same report the Adobe API serves,
today's partial day included when the range covers it. Rows whose metrics are all zero
are left out, as Google does. Injected (malformed) Adobe rows are not served here.

Values follow Google's JSON mapping: int64 fields (ids, micros, impressions, clicks)
are strings, doubles and int32 are numbers, enums are their names.
"""

from __future__ import annotations

import datetime as dt
import operator
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from executors.sandbox import google_search_terms, reports
from executors.sandbox.google_errors import query_error
from executors.sandbox.google_gaql import Condition, Query
from executors.sandbox.google_resources import (
    ad_group_name,
    budget_name,
    campaign_name,
    criterion_name,
    micros,
)
from executors.sandbox.world import World, parse_date

BATCH_SIZE = 10_000
STATUS = {"active": "ENABLED", "paused": "PAUSED"}
# A finite range is required with segments.date; this bounds what one query can cost.
MAX_DATE_RANGE_DAYS = 3660


@dataclass
class Row:
    """What one result row is about: a campaign, an ad group, a day of an ad group."""

    campaign: int | None = None
    ad_group: int | None = None
    report: dict | None = None
    launched: dict | None = None  # field -> value of a created object (launched.py)


@dataclass
class Scope:
    """The world seen by one query, with per-query caches of the API representations."""

    world: World
    customer_id: str
    _campaigns: dict[int, dict] = field(default_factory=dict)
    _ad_groups: dict[int, dict] = field(default_factory=dict)

    def campaign(self, index: int) -> dict:
        if index not in self._campaigns:
            self._campaigns[index] = self.world.seen("campaign", index, now=time.monotonic())
        return self._campaigns[index]

    def ad_group(self, index: int) -> dict:
        if index not in self._ad_groups:
            self._ad_groups[index] = self.world.seen("adGroup", index, now=time.monotonic())
        return self._ad_groups[index]


@dataclass(frozen=True)
class Field:
    kind: str  # int64 | int32 | double | bool | string | enum | date | resource
    get: Callable[[Scope, Row], object]


def _metric(key: str) -> Callable[[Scope, Row], object]:
    return lambda s, r: r.report[key]


FIELDS: dict[str, Field] = {
    "customer.id": Field("int64", lambda s, r: int(s.customer_id)),
    "customer.resource_name": Field("resource", lambda s, r: f"customers/{s.customer_id}"),
    "customer.currency_code": Field("string", lambda s, r: s.world.currency),
    "customer.descriptive_name": Field("string", lambda s, r: "Spectra sandbox"),
    "campaign.id": Field("int64", lambda s, r: r.campaign + 1),
    "campaign.resource_name": Field(
        "resource", lambda s, r: campaign_name(s.customer_id, r.campaign)
    ),
    "campaign.name": Field("string", lambda s, r: s.campaign(r.campaign)["name"]),
    "campaign.status": Field("enum", lambda s, r: STATUS[s.campaign(r.campaign)["status"]]),
    "campaign.campaign_budget": Field(
        "resource", lambda s, r: budget_name(s.customer_id, r.campaign)
    ),
    "campaign.start_date": Field("date", lambda s, r: s.campaign(r.campaign)["startDate"]),
    "campaign_budget.id": Field("int64", lambda s, r: r.campaign + 1),
    "campaign_budget.resource_name": Field(
        "resource", lambda s, r: budget_name(s.customer_id, r.campaign)
    ),
    "campaign_budget.name": Field(
        "string", lambda s, r: f"Budget of {s.campaign(r.campaign)['name']}"
    ),
    "campaign_budget.amount_micros": Field(
        "int64", lambda s, r: micros(s.campaign(r.campaign)["budget"]["allocated"])
    ),
    "campaign_budget.explicitly_shared": Field("bool", lambda s, r: False),
    "ad_group.id": Field("int64", lambda s, r: r.ad_group + 1),
    "ad_group.resource_name": Field(
        "resource", lambda s, r: ad_group_name(s.customer_id, r.ad_group)
    ),
    "ad_group.name": Field("string", lambda s, r: s.ad_group(r.ad_group)["name"]),
    "ad_group.status": Field("enum", lambda s, r: STATUS[s.ad_group(r.ad_group)["status"]]),
    "ad_group.cpc_bid_micros": Field(
        "int64", lambda s, r: micros(s.ad_group(r.ad_group)["averageBid"])
    ),
    "ad_group.campaign": Field("resource", lambda s, r: campaign_name(s.customer_id, r.campaign)),
    "ad_group_criterion.resource_name": Field(
        "resource", lambda s, r: criterion_name(s.customer_id, r.ad_group)
    ),
    "ad_group_criterion.criterion_id": Field("int64", lambda s, r: r.ad_group + 1),
    "ad_group_criterion.ad_group": Field(
        "resource", lambda s, r: ad_group_name(s.customer_id, r.ad_group)
    ),
    "ad_group_criterion.status": Field("enum", lambda s, r: "ENABLED"),
    "ad_group_criterion.type": Field("enum", lambda s, r: "KEYWORD"),
    "ad_group_criterion.keyword.text": Field(
        "string", lambda s, r: s.ad_group(r.ad_group)["name"].lower()
    ),
    "ad_group_criterion.quality_info.quality_score": Field(
        "int32", lambda s, r: s.ad_group(r.ad_group)["qualityScore"]
    ),
    "ad_group_criterion.keyword.match_type": Field("enum", lambda s, r: "BROAD"),
    "ad_group_criterion.negative": Field("bool", lambda s, r: False),
    "campaign.advertising_channel_type": Field("enum", lambda s, r: "SEARCH"),
    # Resources only created objects have (no generated rows).
    "campaign_criterion.resource_name": Field("resource", lambda s, r: None),
    "campaign_criterion.criterion_id": Field("int64", lambda s, r: None),
    "campaign_criterion.campaign": Field("resource", lambda s, r: None),
    "campaign_criterion.type": Field("enum", lambda s, r: None),
    "campaign_criterion.negative": Field("bool", lambda s, r: None),
    "campaign_criterion.status": Field("enum", lambda s, r: None),
    "campaign_criterion.keyword.text": Field("string", lambda s, r: None),
    "campaign_criterion.keyword.match_type": Field("enum", lambda s, r: None),
    "ad_group_ad.resource_name": Field("resource", lambda s, r: None),
    "ad_group_ad.ad_group": Field("resource", lambda s, r: None),
    "ad_group_ad.status": Field("enum", lambda s, r: None),
    "ad_group_ad.ad.id": Field("int64", lambda s, r: None),
    "ad_group_ad.ad.final_urls": Field("list", lambda s, r: None),
    "ad_group_ad.ad.responsive_search_ad.headlines": Field("list", lambda s, r: None),
    "ad_group_ad.ad.responsive_search_ad.descriptions": Field("list", lambda s, r: None),
    "segments.date": Field("date", _metric("date")),
    "metrics.impressions": Field("int64", _metric("impressions")),
    "metrics.clicks": Field("int64", _metric("clicks")),
    "metrics.conversions": Field("double", _metric("conversions")),
    "metrics.conversions_value": Field("double", _metric("conversionValue")),
    "metrics.cost_micros": Field("int64", lambda s, r: micros(r.report["spend"])),
}

# FROM resource -> the resources whose fields a row of it may carry.
RESOURCES: dict[str, tuple[str, ...]] = {
    "customer": ("customer",),
    "campaign": ("campaign", "campaign_budget", "customer"),
    "campaign_budget": ("campaign_budget", "customer"),
    "ad_group": ("ad_group", "campaign", "customer", "segments", "metrics"),
    "ad_group_criterion": ("ad_group_criterion", "ad_group", "campaign", "customer"),
    "campaign_criterion": ("campaign_criterion", "campaign", "customer"),
    "ad_group_ad": ("ad_group_ad", "ad_group", "campaign", "customer"),
}
RESOURCE_NAMED = (
    "customer",
    "campaign",
    "campaign_budget",
    "ad_group",
    "ad_group_criterion",
    "campaign_criterion",
    "ad_group_ad",
)


def _prefix(name: str) -> str:
    return name.split(".", 1)[0]


@cache
def _camel(name: str) -> str:
    """`campaign_budget.amount_micros` -> `campaignBudget.amountMicros`."""
    return ".".join(
        part.split("_")[0] + "".join(w.title() for w in part.split("_")[1:])
        for part in name.split(".")
    )


def _check_fields(query: Query) -> None:
    allowed = RESOURCES.get(query.resource)
    if allowed is None:
        raise query_error(
            "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
            f"FROM {query.resource} is not served by the sandbox; "
            f"use one of {', '.join(sorted(RESOURCES))}.",
        )
    clauses = (
        ("SELECT", query.fields),
        ("WHERE", [c.field for c in query.conditions]),
        ("ORDER BY", [f for f, _ in query.order_by]),
    )
    for clause, names in clauses:
        for name in names:
            if name not in FIELDS:
                raise query_error("UNRECOGNIZED_FIELD", f"Unrecognized field in {clause}: {name}.")
            if _prefix(name) not in allowed:
                raise query_error(
                    f"PROHIBITED_RESOURCE_TYPE_IN_{clause.replace(' ', '_')}_CLAUSE",
                    f"{name} cannot be used in {clause} with FROM {query.resource}.",
                )
    if len(set(query.fields)) != len(query.fields):
        raise query_error("DUPLICATE_FIELDS", "A field is selected twice.")
    daily = "segments.date" in query.fields
    wants_metrics = any(_prefix(f) in ("metrics", "segments") for f in query.fields)
    filters_days = any(_prefix(c.field) in ("metrics", "segments") for c in query.conditions)
    if (wants_metrics or filters_days) and not daily:
        raise query_error(
            "EXPECTED_DIMENSION_FIELD_IN_SELECT_CLAUSE",
            "The sandbox serves metrics per day only: select segments.date as well.",
        )


def _coerce(name: str, value: object) -> object:
    """A literal of the query as the field's Python value, or INVALID_ARGUMENT."""
    kind = FIELDS[name].kind
    if kind in ("int64", "int32"):
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise query_error("BAD_NUMBER", f"{name} takes whole numbers, got {value!r}.")
    elif kind == "double":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise query_error("BAD_NUMBER", f"{name} takes numbers, got {value!r}.")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise query_error("BAD_VALUE", f"{name} takes TRUE or FALSE, got {value!r}.")
    elif not isinstance(value, str):
        raise query_error("BAD_VALUE", f"{name} takes a quoted string, got {value!r}.")
    elif kind == "date":
        try:
            parse_date(value)
        except ValueError:
            raise query_error(
                "INVALID_DATE_FORMAT", f"{name} takes 'YYYY-MM-DD' dates, got {value!r}."
            ) from None
    return value


def _during(literal: str, today: dt.date) -> tuple[dt.date, dt.date]:
    yesterday = today - dt.timedelta(days=1)
    if literal == "TODAY":
        return today, today
    if literal == "YESTERDAY":
        return yesterday, yesterday
    days = int(literal.split("_")[1])
    return today - dt.timedelta(days=days), yesterday


def _date_range(query: Query, today: dt.date) -> tuple[dt.date, dt.date]:
    """The finite range of days the WHERE clause allows (required with segments.date)."""
    low, high = dt.date.min, dt.date.max
    for c in query.conditions:
        if c.field != "segments.date":
            continue
        if c.operator == "DURING":
            first, last = _during(c.values[0], today)
        elif c.operator in ("BETWEEN", "="):
            first, last = parse_date(c.values[0]), parse_date(c.values[-1])
        elif c.operator in (">", ">="):
            first = parse_date(c.values[0]) + dt.timedelta(days=1 if c.operator == ">" else 0)
            last = dt.date.max
        elif c.operator in ("<", "<="):
            first = dt.date.min
            last = parse_date(c.values[0]) - dt.timedelta(days=1 if c.operator == "<" else 0)
        else:
            continue  # IN / != / NOT IN narrow the rows but do not bound the range
        low, high = max(low, first), min(high, last)
    if low == dt.date.min or high == dt.date.max:
        raise query_error(
            "EXPECTED_FILTERS_ON_DATE_RANGE",
            "segments.date needs a finite date range in WHERE, e.g. "
            "segments.date BETWEEN '2025-03-01' AND '2025-03-07'.",
        )
    if high >= low and (high - low).days > MAX_DATE_RANGE_DAYS:
        raise query_error("DATE_RANGE_TOO_WIDE", f"Ask for at most {MAX_DATE_RANGE_DAYS} days.")
    return low, high


def _rows(scope: Scope, query: Query) -> Iterator[Row]:
    if "segments.date" not in query.fields:
        yield from _generated_rows(scope, query)
        for values in launched_rows(scope.world, scope.customer_id, query.resource):
            yield Row(launched=values)
        if query.resource == "campaign_criterion":  # the world campaigns' negatives
            for values in google_search_terms.campaign_criterion_rows(
                scope.world, scope.customer_id
            ):
                yield Row(launched=values)
    else:
        yield from _generated_rows(scope, query)


def _generated_rows(scope: Scope, query: Query) -> Iterator[Row]:
    world = scope.world
    if query.resource in ("campaign_criterion", "ad_group_ad"):
        return
    if query.resource == "customer":
        yield Row()
    elif query.resource in ("campaign", "campaign_budget"):
        for c in range(len(world.campaign_ids)):
            yield Row(campaign=c)
    elif "segments.date" not in query.fields:
        owner = world.params.ad_group_campaign
        for g in range(len(world.ad_group_ids)):
            yield Row(campaign=int(owner[g]), ad_group=g)
    else:
        yield from _daily_rows(scope, query)


def _daily_rows(scope: Scope, query: Query) -> Iterator[Row]:
    world = scope.world
    low, high = _date_range(query, world.today_date)
    low, high = max(low, world.start_date), min(high, world.today_date)
    if low > high:
        return
    report = reports.report_query(world, low, high, include_today=True)
    owner = world.params.ad_group_campaign
    for row in reports.generated_rows(world, report, 0, reports.generated_count(world, report)):
        if not (row["impressions"] or row["clicks"] or row["spend"] or row["conversions"]):
            continue  # Google leaves out rows whose metrics are all zero
        g = world.ad_group_index(row["adGroupId"])
        yield Row(campaign=int(owner[g]), ad_group=g, report=row)


_COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _matches(condition: Condition, value: object) -> bool:
    op, values = condition.operator, condition.values
    if op == "IN":
        return value in values
    if op == "NOT IN":
        return value not in values
    if op == "BETWEEN":
        return values[0] <= value <= values[1]
    if op == "DURING":
        return True  # already applied as the report's date range
    return _COMPARE[op](value, values[0])


def _render(kind: str, value: object) -> object:
    if value is None:
        return None
    if kind == "int64":
        return str(value)
    if kind == "double":
        return float(value)
    return value


def search_stream(world: World, customer_id: str, query: Query, request_id: str) -> list[dict]:
    """The searchStream answer: batches of at most 10,000 rows, each with its fieldMask."""
    _check_fields(query)
    conditions = [
        Condition(c.field, c.operator, tuple(_coerce(c.field, v) for v in c.values))
        if c.operator != "DURING"
        else c
        for c in query.conditions
    ]
    if "segments.date" in query.fields:
        _date_range(query, world.today_date)  # refuse an open range before any work
    scope = Scope(world, customer_id)
    wanted = list(
        dict.fromkeys(
            [*query.fields, *(c.field for c in conditions), *(f for f, _ in query.order_by)]
        )
    )
    rows = []
    for row in _rows(scope, query):
        if row.launched is not None:
            values = {name: row.launched.get(name) for name in wanted}
        else:
            values = {name: FIELDS[name].get(scope, row) for name in wanted}
        if all(_matches(c, values[c.field]) for c in conditions):
            rows.append((row, values))
    for name, descending in reversed(query.order_by):
        rows.sort(key=lambda item, name=name: item[1][name], reverse=descending)
    if query.limit is not None:
        rows = rows[: query.limit]

    named = [r for r in RESOURCE_NAMED if any(_prefix(f) == r for f in query.fields)]
    results = []
    for row, values in rows:
        result: dict = {}
        for resource in named:
            name = f"{resource}.resource_name"
            value = (
                row.launched.get(name) if row.launched is not None else FIELDS[name].get(scope, row)
            )
            result[_camel(resource)] = {"resourceName": value}
        for name in query.fields:
            *path, leaf = _camel(name).split(".")
            target = result
            for part in path:
                target = target.setdefault(part, {})
            target[leaf] = _render(FIELDS[name].kind, values[name])
        results.append(result)

    mask = ",".join(_camel(name) for name in query.fields)
    batches = [
        {"results": results[i : i + BATCH_SIZE], "fieldMask": mask, "requestId": request_id}
        for i in range(0, len(results), BATCH_SIZE)
    ]
    return batches or [{"fieldMask": mask, "requestId": request_id}]


def launched_rows(world: World, customer_id: str, resource: str) -> Iterator[dict]:
    """Rows of the objects created through the API (launched.py), as field -> value."""
    store = world.launched.google
    customer = {
        "customer.id": int(customer_id),
        "customer.resource_name": f"customers/{customer_id}",
        "customer.currency_code": world.currency,
        "customer.descriptive_name": "Spectra sandbox",
    }

    def campaign(name: str) -> dict:
        c = store["campaigns"][name]
        budget = store["campaignBudgets"].get(c["budget"], {})
        return customer | {
            "campaign.id": c["id"],
            "campaign.resource_name": name,
            "campaign.name": c["name"],
            "campaign.status": c["status"],
            "campaign.campaign_budget": c["budget"],
            "campaign.advertising_channel_type": "SEARCH",
            "campaign.start_date": world.today_date.isoformat(),
            "campaign_budget.id": budget.get("id"),
            "campaign_budget.resource_name": c["budget"],
            "campaign_budget.name": budget.get("name"),
            "campaign_budget.amount_micros": budget.get("amount_micros"),
            "campaign_budget.explicitly_shared": False,
        }

    def ad_group(name: str) -> dict:
        g = store["adGroups"][name]
        return campaign(g["campaign"]) | {
            "ad_group.id": g["id"],
            "ad_group.resource_name": name,
            "ad_group.name": g["name"],
            "ad_group.status": g["status"],
            "ad_group.cpc_bid_micros": g["cpc_bid_micros"],
            "ad_group.campaign": g["campaign"],
        }

    mine = {
        kind: [r for r in rows.values() if r["customer"] == customer_id]
        for kind, rows in store.items()
    }
    if resource == "campaign":
        for c in mine["campaigns"]:
            yield campaign(c["resource_name"])
    elif resource == "campaign_budget":  # a budget no campaign uses yet is listed too
        for b in mine["campaignBudgets"]:
            yield customer | {
                "campaign_budget.id": b["id"],
                "campaign_budget.resource_name": b["resource_name"],
                "campaign_budget.name": b["name"],
                "campaign_budget.amount_micros": b["amount_micros"],
                "campaign_budget.explicitly_shared": False,
            }
    elif resource == "ad_group":
        for g in mine["adGroups"]:
            yield ad_group(g["resource_name"])
    elif resource == "ad_group_criterion":
        for k in mine["adGroupCriteria"]:
            yield ad_group(k["ad_group"]) | {
                "ad_group_criterion.resource_name": k["resource_name"],
                "ad_group_criterion.criterion_id": k["id"],
                "ad_group_criterion.ad_group": k["ad_group"],
                "ad_group_criterion.status": k["status"],
                "ad_group_criterion.type": "KEYWORD",
                "ad_group_criterion.keyword.text": k["text"],
                "ad_group_criterion.keyword.match_type": k["match_type"],
                "ad_group_criterion.negative": k["negative"],
            }
    elif resource == "campaign_criterion":
        for k in mine["campaignCriteria"]:
            yield campaign(k["campaign"]) | {
                "campaign_criterion.resource_name": k["resource_name"],
                "campaign_criterion.criterion_id": k["id"],
                "campaign_criterion.campaign": k["campaign"],
                "campaign_criterion.type": k["type"],
                "campaign_criterion.negative": k["negative"],
                "campaign_criterion.status": k.get("status", "ENABLED"),
                "campaign_criterion.keyword.text": k.get("text"),
                "campaign_criterion.keyword.match_type": k.get("match_type"),
            }
    elif resource == "ad_group_ad":
        for a in mine["adGroupAds"]:
            yield ad_group(a["ad_group"]) | {
                "ad_group_ad.resource_name": a["resource_name"],
                "ad_group_ad.ad_group": a["ad_group"],
                "ad_group_ad.status": a["status"],
                "ad_group_ad.ad.id": a["id"],
                "ad_group_ad.ad.final_urls": list(a["final_urls"]),
                "ad_group_ad.ad.responsive_search_ad.headlines": [
                    {"text": t} for t in a["headlines"]
                ],
                "ad_group_ad.ad.responsive_search_ad.descriptions": [
                    {"text": t} for t in a["descriptions"]
                ],
            }
