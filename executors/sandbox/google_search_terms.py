"""Search terms and negative keywords of the generated world (Google Ads shape).

    GAQL  FROM search_term_view              the search-terms report, per day and ad group
    GAQL  FROM shared_set / shared_criterion / campaign_shared_set
    GAQL  FROM campaign_criterion            (served by google_search, rows from here)
    POST  …/campaignCriteria:mutate          negative keywords of a campaign (create, remove)
    POST  …/sharedSets:mutate                NEGATIVE_KEYWORDS lists (create, remove)
    POST  …/sharedCriteria:mutate            a list's keywords (create, remove)
    POST  …/campaignSharedSets:mutate        a list attached to a campaign (create, remove)

Ground truth: each ad group's traffic comes from a few search terms with fixed shares
(seeded). Relevant terms convert like their ad group; irrelevant ones ("… free", "… jobs")
never convert. A negative keyword (EXACT: the whole term; PHRASE: its words in order;
BROAD: all its words, any order — negatives match no close variants) stops a term's
clicks, impressions and spend from the day after it is written (a write made today takes
effect tomorrow) until the day it is removed; the ad group's own report loses them too.
Writes are write-log entries under `/googleads/customers/{cid}/negatives/…`, replayed
like every other write, so a restarted sandbox shows the same negatives and metrics.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from executors.sandbox.google_errors import (
    failure,
    invalid_argument,
    operation_location,
    query_error,
)
from executors.sandbox.google_gaql import Query
from executors.sandbox.model import LAG_ARRIVED

STREAM = 0x5EA2C4
RELEVANT = ("online", "price", "best", "near me", "deals", "sale", "reviews", "offers")
IRRELEVANT = ("free", "jobs", "diy", "repair manual", "salary", "meaning", "wikipedia")
MATCH_TYPES = ("EXACT", "PHRASE", "BROAD")
COLLECTIONS = ("campaignCriteria", "sharedSets", "sharedCriteria", "campaignSharedSets")
RESOURCES = ("search_term_view", "shared_set", "shared_criterion", "campaign_shared_set")
FIRST_ID = 700_001
MAX_TERMS = 6  # the ad group's keyword, 3 relevant variants, up to 2 irrelevant
WRITE = re.compile(
    r"^/googleads/customers/(?P<customer>\d+)/negatives/(?P<collection>\w+):(?P<verb>create|remove)$"
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def negative_matches(text: str, match_type: str, term: str) -> bool:
    """Whether a negative keyword blocks a search term (Google's negative matching)."""
    kw, t = words(text), words(term)
    if not kw:
        return False
    if match_type == "EXACT":
        return kw == t
    if match_type == "PHRASE":
        return any(t[i : i + len(kw)] == kw for i in range(len(t) - len(kw) + 1))
    return set(kw) <= set(t)


@dataclass
class Terms:
    """The world's search terms (ground truth): ad group, text, share of its traffic."""

    ad_group: np.ndarray
    text: list[str]
    share: np.ndarray
    irrelevant: np.ndarray
    slots: np.ndarray  # (ad groups, MAX_TERMS): term index per slot, -1 where none
    padded: np.ndarray  # (ad groups, MAX_TERMS): each term's share within its ad group


def generate_terms(seed: int, ad_group_names: list[str]) -> Terms:
    rng = np.random.default_rng([seed, STREAM])
    groups, texts, shares, irrelevant = [], [], [], []
    slots = np.full((len(ad_group_names), MAX_TERMS), -1)
    for j, name in enumerate(ad_group_names):
        base = " ".join(words(name))
        good = list(rng.choice(RELEVANT, size=3, replace=False))
        bad = list(rng.choice(IRRELEVANT, size=int(rng.choice([0, 1, 1, 2])), replace=False))
        weights = rng.dirichlet(np.full(4, 2.0))
        waste = rng.uniform(0.08, 0.3) if bad else 0.0
        bad_weights = rng.dirichlet(np.ones(len(bad))) * waste if bad else np.zeros(0)
        start = len(texts)
        for text, weight, junk in [
            (base, weights[0], False),
            *[(f"{base} {m}", w, False) for m, w in zip(good, weights[1:], strict=True)],
            *[(f"{base} {m}", w, True) for m, w in zip(bad, bad_weights, strict=True)],
        ]:
            groups.append(j)
            texts.append(text)
            shares.append(float(weight) * (1 - waste) if not junk else float(weight))
            irrelevant.append(junk)
        slots[j, : len(texts) - start] = np.arange(start, len(texts))
    share = np.asarray(shares)
    padded = np.where(slots >= 0, share[np.maximum(slots, 0)], 0.0)
    padded = padded / padded.sum(axis=1, keepdims=True)
    return Terms(np.asarray(groups, dtype=int), texts, share, np.asarray(irrelevant), slots, padded)


@dataclass
class Negatives:
    """Negative keywords, lists and attachments by resource name, with the days they act."""

    criteria: dict[str, dict] = field(default_factory=dict)  # campaign-level negatives
    shared_sets: dict[str, dict] = field(default_factory=dict)
    shared_criteria: dict[str, dict] = field(default_factory=dict)
    campaign_shared_sets: dict[str, dict] = field(default_factory=dict)
    next_id: int = FIRST_ID

    def store(self, collection: str) -> dict[str, dict]:
        return {
            "campaignCriteria": self.criteria,
            "sharedSets": self.shared_sets,
            "sharedCriteria": self.shared_criteria,
            "campaignSharedSets": self.campaign_shared_sets,
        }[collection]


def _acts_on(record: dict, day: int) -> bool:
    return record["from_day"] <= day and (record["until_day"] is None or day <= record["until_day"])


class SearchTerms:
    """A world's search terms, the negatives that block them, and each day's term metrics."""

    def __init__(self, seed: int, ad_group_names: list[str], ad_group_campaign: np.ndarray):
        self.terms = generate_terms(seed, ad_group_names)
        self.seed = seed
        self.campaign_of_term = ad_group_campaign[self.terms.ad_group]
        self.negatives = Negatives()
        self.days: dict[int, np.ndarray] = {}  # day -> (5, n_terms) served term metrics

    # --- what blocks what -------------------------------------------------------------
    def blocked_on(self, day: int) -> np.ndarray:
        """Which terms a negative keeps out on `day`."""
        n = self.negatives
        rules: list[tuple[int, str, str]] = []  # (campaign index, text, match type)
        for c in n.criteria.values():
            if _acts_on(c, day):
                rules.append((c["campaign"], c["text"], c["match_type"]))
        for link in n.campaign_shared_sets.values():
            if not _acts_on(link, day):
                continue
            for c in n.shared_criteria.values():
                if c["shared_set"] == link["shared_set"] and _acts_on(c, day):
                    rules.append((link["campaign"], c["text"], c["match_type"]))
        blocked = np.zeros(len(self.terms.text), dtype=bool)
        for campaign, text, match in rules:
            for i in np.flatnonzero(self.campaign_of_term == campaign):
                if not blocked[i] and negative_matches(text, match, self.terms.text[i]):
                    blocked[i] = True
        return blocked

    # --- a day's metrics --------------------------------------------------------------
    def split_day(self, day: int, metrics: np.ndarray) -> np.ndarray:
        """Each term's share of a day's ad-group metrics, blocked terms removed, and the
        ad groups' metrics that remain (returned; the term rows are kept for reports)."""
        t = self.terms
        rng = np.random.default_rng([self.seed, day, STREAM])
        spend, clicks, impressions, conversions, value = metrics
        term_clicks = np.zeros(len(t.text))
        term_impr = np.zeros(len(t.text))
        slots = t.slots >= 0
        term_clicks[t.slots[slots]] = rng.multinomial(clicks.astype(np.int64), t.padded)[slots]
        term_impr[t.slots[slots]] = rng.multinomial(impressions.astype(np.int64), t.padded)[slots]
        term_impr = np.maximum(term_impr, term_clicks)
        g = t.ad_group
        per_click = np.where(clicks[g] > 0, spend[g] / np.maximum(clicks[g], 1), 0.0)
        term_spend = np.floor(term_clicks * per_click * 100) / 100
        relevant_clicks = np.bincount(
            g, weights=np.where(t.irrelevant, 0.0, term_clicks), minlength=len(clicks)
        )
        conv_share = np.where(t.irrelevant, 0.0, term_clicks / np.maximum(relevant_clicks[g], 1.0))
        term_conv = conversions[g] * conv_share
        term_value = value[g] * conv_share
        rows = np.stack([term_spend, term_clicks, term_impr, term_conv, term_value])
        blocked = self.blocked_on(day)
        lost = np.stack(
            [
                np.bincount(g, weights=np.where(blocked, row, 0.0), minlength=metrics.shape[1])
                for row in rows
            ]
        )
        rows[:, blocked] = 0.0
        self.days[day] = rows
        served = np.maximum(metrics - lost, 0.0)
        served[0] = np.round(served[0], 2)
        return served

    # --- writes -----------------------------------------------------------------------
    def apply(self, path: str, body: dict, today: int) -> dict:
        """Store a planned create or remove (see plan); replayable."""
        match = WRITE.match(path)
        store = self.negatives.store(match["collection"])
        if match["verb"] == "remove":
            record = store[body["resourceName"]]
            record["status"] = "REMOVED"
            record["until_day"] = today  # still acts today: today's settings are fixed
            return {"resourceName": record["resource_name"]}
        record = dict(body["record"]) | {"from_day": today + 1, "until_day": None}
        record["status"] = "ENABLED"
        self.negatives.next_id = max(self.negatives.next_id, body["id"] + 1)
        store[record["resource_name"]] = record
        return {"resourceName": record["resource_name"]}


# ----------------------------------------------------------------------- mutates ---
class _Refused(Exception):
    def __init__(self, item: dict):
        super().__init__(item["message"])
        self.item = item


def _refuse(index, family, code, message, *fields):
    raise _Refused(failure(family, code, message, location=operation_location(index, *fields)))


def _campaign_index(world, customer: str, name: object, index: int, *fields) -> int:
    prefix = f"customers/{customer}/campaigns/"
    if not isinstance(name, str) or not name.startswith(prefix):
        _refuse(index, "requestError", "RESOURCE_NAME_MALFORMED", f"{name!r}.", *fields)
    number = name[len(prefix) :]
    if not number.isdigit() or not 1 <= int(number) <= len(world.campaign_ids):
        _refuse(index, "mutateError", "RESOURCE_NOT_FOUND", f"{name} does not exist.", *fields)
    return int(number) - 1


def _keyword(create: dict, index: int) -> tuple[str, str]:
    kw = create.get("keyword")
    if not isinstance(kw, dict):
        _refuse(
            index, "criterionError", "KEYWORD_TEXT_IS_MISSING", "keyword is required.", "create"
        )
    unknown = sorted(set(kw) - {"text", "matchType"})
    if unknown:
        _refuse(index, "fieldError", "INVALID_VALUE", f"Unknown keyword field {unknown[0]}.")
    text, match = kw.get("text"), kw.get("matchType")
    if not isinstance(text, str) or not words(text):
        _refuse(index, "criterionError", "KEYWORD_TEXT_IS_MISSING", "keyword.text is empty.")
    if len(text) > 80 or len(text.split()) > 10:
        _refuse(index, "criterionError", "KEYWORD_TEXT_TOO_LONG", "At most 80 characters.")
    if match not in MATCH_TYPES:
        _refuse(
            index, "requestError", "INVALID_ENUM_VALUE", f"matchType {match!r}: EXACT/PHRASE/BROAD."
        )
    return " ".join(text.lower().split()), match


def _live(store: dict, name: object, index: int, what: str) -> dict:
    record = store.get(name)
    if record is None:
        _refuse(index, "mutateError", "RESOURCE_NOT_FOUND", f"No {what} {name!r}.", "remove")
    if record["status"] == "REMOVED":
        _refuse(index, "mutateError", "RESOURCE_ALREADY_REMOVED", f"{name} is removed already.")
    return record


CREATE_FIELDS = {
    "campaignCriteria": {"campaign", "negative", "keyword", "status"},
    "sharedSets": {"name", "type", "status"},
    "sharedCriteria": {"sharedSet", "keyword"},
    "campaignSharedSets": {"campaign", "sharedSet"},
}


def _plan_create(world, customer: str, collection: str, create: object, index: int, pending):
    """(resource name, record) of a valid create."""
    n = world.search_terms.negatives
    if not isinstance(create, dict):
        _refuse(index, "requestError", "REQUIRED_FIELD_MISSING", "create must be an object.")
    unknown = sorted(set(create) - CREATE_FIELDS[collection])
    if unknown:
        _refuse(index, "fieldError", "INVALID_VALUE", f'Unknown name "{unknown[0]}".', "create")
    number = n.next_id + len(pending)
    live = [r for r in n.store(collection).values() if r["status"] != "REMOVED"]
    live += [r for c, r in pending if c == collection]
    if collection == "campaignCriteria":
        campaign = _campaign_index(world, customer, create.get("campaign"), index, "campaign")
        if create.get("negative") is not True:
            _refuse(
                index,
                "campaignCriterionError",
                "CANNOT_TARGET_CRITERION",
                "Campaign-level keywords must be negative.",
                "create",
                "negative",
            )
        text, match = _keyword(create, index)
        if any(
            (r["campaign"], r["text"], r["match_type"]) == (campaign, text, match) for r in live
        ):
            _refuse(
                index, "mutateError", "RESOURCE_ALREADY_EXISTS", f"{text!r} is negative already."
            )
        name = f"customers/{customer}/campaignCriteria/{campaign + 1}~{number}"
        return name, {"campaign": campaign, "text": text, "match_type": match, "id": number}
    if collection == "sharedSets":
        list_name = create.get("name")
        if not isinstance(list_name, str) or not list_name.strip() or len(list_name) > 255:
            _refuse(index, "requestError", "REQUIRED_FIELD_MISSING", "A shared set needs a name.")
        if create.get("type") != "NEGATIVE_KEYWORDS":
            _refuse(
                index,
                "sharedSetError",
                "CUSTOMER_CANNOT_CREATE_SHARED_SET_OF_THIS_TYPE",
                f"type {create.get('type')!r}: the sandbox serves NEGATIVE_KEYWORDS lists.",
            )
        if any(r["name"] == list_name for r in live):
            _refuse(index, "sharedSetError", "DUPLICATE_NAME", f"{list_name!r} exists.", "name")
        name = f"customers/{customer}/sharedSets/{number}"
        return name, {"name": list_name, "type": "NEGATIVE_KEYWORDS", "id": number}
    shared = create.get("sharedSet")
    pending_sets = {r["resource_name"]: r for c, r in pending if c == "sharedSets"}
    target = n.shared_sets.get(shared) or pending_sets.get(shared)
    if target is None:
        _refuse(index, "mutateError", "RESOURCE_NOT_FOUND", f"No shared set {shared!r}.")
    if target["status"] == "REMOVED":
        _refuse(index, "sharedSetError", "SHARED_SET_REMOVED", f"{shared} is removed.")
    if collection == "sharedCriteria":
        text, match = _keyword(create, index)
        if any(
            (r["shared_set"], r["text"], r["match_type"]) == (shared, text, match) for r in live
        ):
            _refuse(index, "mutateError", "RESOURCE_ALREADY_EXISTS", f"{text!r} is in the list.")
        name = f"customers/{customer}/sharedCriteria/{shared.rsplit('/', 1)[1]}~{number}"
        return name, {"shared_set": shared, "text": text, "match_type": match, "id": number}
    campaign = _campaign_index(world, customer, create.get("campaign"), index, "campaign")
    name = f"customers/{customer}/campaignSharedSets/{campaign + 1}~{shared.rsplit('/', 1)[1]}"
    if any(r["resource_name"] == name for r in live):
        _refuse(index, "mutateError", "RESOURCE_ALREADY_EXISTS", f"{name} exists.")
    return name, {"campaign": campaign, "shared_set": shared, "id": number}


def mutate(world, customer: str, collection: str, body: dict) -> tuple[dict, list[tuple]]:
    """Validate a mutate of negatives: the answer and the (path, body) writes to apply.

    All or nothing unless partialFailure; nothing is applied with validateOnly.
    """
    operations = body.get("operations")
    if not isinstance(operations, list) or not operations:
        raise invalid_argument(
            failure("requestError", "OPERATION_REQUIRED", "At least one operation is required.")
        )
    n = world.search_terms.negatives
    pending: list[tuple[str, dict]] = []
    writes: list[tuple[int, str, str, dict]] = []
    errors = []
    for index, op in enumerate(operations):
        try:
            if not isinstance(op, dict) or len(set(op) & {"create", "remove", "update"}) != 1:
                _refuse(index, "requestError", "OPERATION_REQUIRED", "One create or remove.")
            if "update" in op:
                _refuse(
                    index,
                    "mutateError",
                    "MUTATE_NOT_ALLOWED",
                    f"{collection} cannot be updated: remove and create again.",
                )
            if "remove" in op:
                record = _live(n.store(collection), op["remove"], index, collection)
                path = f"/googleads/customers/{customer}/negatives/{collection}:remove"
                writes.append(
                    (index, record["resource_name"], path, {"resourceName": op["remove"]})
                )
                continue
            name, record = _plan_create(world, customer, collection, op["create"], index, pending)
            record |= {"resource_name": name, "status": "ENABLED"}
            pending.append((collection, record))
            path = f"/googleads/customers/{customer}/negatives/{collection}:create"
            writes.append((index, name, path, {"id": record["id"], "record": record}))
        except _Refused as exc:
            errors.append(exc.item)
    if errors and not body.get("partialFailure"):
        raise invalid_argument(*errors)
    results: list[dict] = [{} for _ in operations]
    for index, name, _, _ in writes:
        results[index] = {"resourceName": name}
    return {"results": results, "errors": errors}, [(p, b) for _, _, p, b in writes]


# -------------------------------------------------------------------------- GAQL ---
def _camel(name: str) -> str:
    return ".".join(
        part.split("_")[0] + "".join(w.title() for w in part.split("_")[1:])
        for part in name.split(".")
    )


def _term_name(customer: str, campaign: int, ad_group: int, text: str) -> str:
    encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"customers/{customer}/searchTermViews/{campaign + 1}~{ad_group + 1}~{encoded}"


def _date_range(query: Query, today: dt.date) -> tuple[dt.date, dt.date]:
    low, high = None, None
    for c in query.conditions:
        if c.field != "segments.date":
            continue
        if c.operator in ("BETWEEN", "="):
            low, high = dt.date.fromisoformat(c.values[0]), dt.date.fromisoformat(c.values[-1])
        elif c.operator == "DURING" and c.values[0].startswith("LAST_"):
            days = int(c.values[0].split("_")[1])
            low, high = today - dt.timedelta(days=days), today - dt.timedelta(days=1)
        elif c.operator in (">=", ">"):
            low = dt.date.fromisoformat(c.values[0]) + dt.timedelta(days=c.operator == ">")
        elif c.operator in ("<=", "<"):
            high = dt.date.fromisoformat(c.values[0]) - dt.timedelta(days=c.operator == "<")
    if low is None or high is None:
        raise query_error(
            "EXPECTED_FILTERS_ON_DATE_RANGE",
            "search_term_view needs a finite segments.date range in WHERE.",
        )
    return low, high


TERM_FIELDS = {
    "search_term_view.resource_name",
    "search_term_view.search_term",
    "search_term_view.status",
    "search_term_view.ad_group",
    "campaign.id",
    "campaign.resource_name",
    "ad_group.id",
    "ad_group.resource_name",
    "segments.date",
    "metrics.clicks",
    "metrics.impressions",
    "metrics.cost_micros",
    "metrics.conversions",
    "metrics.conversions_value",
}
LIST_FIELDS = {
    "shared_set": {"resource_name", "id", "name", "type", "status", "member_count"},
    "shared_criterion": {
        "resource_name",
        "shared_set",
        "criterion_id",
        "type",
        "keyword.text",
        "keyword.match_type",
    },
    "campaign_shared_set": {"resource_name", "campaign", "shared_set", "status"},
}
INT64 = {
    "campaign.id",
    "ad_group.id",
    "metrics.clicks",
    "metrics.impressions",
    "metrics.cost_micros",
    "shared_set.id",
    "shared_criterion.criterion_id",
    "shared_set.member_count",
}


def _term_rows(world, customer: str, query: Query):
    st = world.search_terms
    low, high = _date_range(query, world.today_date)
    first = max(world.day_of(low), 0)
    last = min(world.day_of(high), world.today - 1)  # complete days only
    blocked_now = st.blocked_on(world.today + 1)  # as the latest settings show it
    t = st.terms
    for day in range(first, last + 1):
        rows = st.days.get(day)
        if rows is None:
            continue
        arrived = LAG_ARRIVED[min(world.today - 1 - day, len(LAG_ARRIVED) - 1)]
        date = world.date_of(day).isoformat()
        for i in np.flatnonzero(rows[2] > 0):
            g, c = int(t.ad_group[i]), int(st.campaign_of_term[i])
            yield {
                "search_term_view.resource_name": _term_name(customer, c, g, t.text[i]),
                "search_term_view.search_term": t.text[i],
                "search_term_view.status": "EXCLUDED" if blocked_now[i] else "NONE",
                "search_term_view.ad_group": f"customers/{customer}/adGroups/{g + 1}",
                "campaign.id": c + 1,
                "campaign.resource_name": f"customers/{customer}/campaigns/{c + 1}",
                "ad_group.id": g + 1,
                "ad_group.resource_name": f"customers/{customer}/adGroups/{g + 1}",
                "segments.date": date,
                "metrics.clicks": int(rows[1, i]),
                "metrics.impressions": int(rows[2, i]),
                "metrics.cost_micros": round(float(rows[0, i]) * 1_000_000),
                "metrics.conversions": round(float(rows[3, i]) * arrived, 4),
                "metrics.conversions_value": round(float(rows[4, i]) * arrived, 2),
            }


def _list_rows(world, customer: str, resource: str):
    n = world.search_terms.negatives
    prefix = f"customers/{customer}/"
    if resource == "shared_set":
        for s in n.shared_sets.values():
            if s["resource_name"].startswith(prefix):
                members = sum(
                    c["shared_set"] == s["resource_name"] and c["status"] != "REMOVED"
                    for c in n.shared_criteria.values()
                )
                yield {
                    "shared_set.resource_name": s["resource_name"],
                    "shared_set.id": s["id"],
                    "shared_set.name": s["name"],
                    "shared_set.type": s["type"],
                    "shared_set.status": s["status"],
                    "shared_set.member_count": members,
                }
    elif resource == "shared_criterion":
        for c in n.shared_criteria.values():
            if c["resource_name"].startswith(prefix) and c["status"] != "REMOVED":
                yield {
                    "shared_criterion.resource_name": c["resource_name"],
                    "shared_criterion.shared_set": c["shared_set"],
                    "shared_criterion.criterion_id": c["id"],
                    "shared_criterion.type": "KEYWORD",
                    "shared_criterion.keyword.text": c["text"],
                    "shared_criterion.keyword.match_type": c["match_type"],
                }
    else:
        for link in n.campaign_shared_sets.values():
            if link["resource_name"].startswith(prefix):
                yield {
                    "campaign_shared_set.resource_name": link["resource_name"],
                    "campaign_shared_set.campaign": f"{prefix}campaigns/{link['campaign'] + 1}",
                    "campaign_shared_set.shared_set": link["shared_set"],
                    "campaign_shared_set.status": link["status"],
                }


def search(world, customer: str, query: Query, request_id: str) -> list[dict]:
    """searchStream for search_term_view and the negative-keyword lists."""
    if query.resource == "search_term_view":
        allowed = TERM_FIELDS
    else:
        allowed = {f"{query.resource}.{f}" for f in LIST_FIELDS[query.resource]}
    for name in [*query.fields, *(c.field for c in query.conditions)]:
        if name not in allowed:
            raise query_error(
                "UNRECOGNIZED_FIELD", f"{name} is not served with FROM {query.resource}."
            )
    if query.resource == "search_term_view" and "segments.date" not in query.fields:
        raise query_error(
            "EXPECTED_DIMENSION_FIELD_IN_SELECT_CLAUSE", "Select segments.date as well."
        )
    rows = (
        _term_rows(world, customer, query)
        if query.resource == "search_term_view"
        else _list_rows(world, customer, query.resource)
    )
    results = []
    for row in rows:
        if not all(_matches(c, row[c.field]) for c in query.conditions):
            continue
        result: dict = {}
        for resource in dict.fromkeys(f.split(".", 1)[0] for f in query.fields):
            if f"{resource}.resource_name" in row:  # Google names every resource selected
                result[_camel(resource)] = {"resourceName": row[f"{resource}.resource_name"]}
        for name in query.fields:
            *path, leaf = _camel(name).split(".")
            target = result
            for part in path:
                target = target.setdefault(part, {})
            value = row[name]
            target[leaf] = str(value) if name in INT64 else value
        results.append(result)
    if query.limit is not None:
        results = results[: query.limit]
    mask = ",".join(_camel(f) for f in query.fields)
    return [{"results": results, "fieldMask": mask, "requestId": request_id}]


def _matches(condition, value) -> bool:
    op, values = condition.operator, condition.values
    if op == "DURING":
        return True  # applied as the report's date range
    if isinstance(value, int) and not isinstance(value, bool):
        values = tuple(int(v) if isinstance(v, str) and v.isdigit() else v for v in values)
    if op == "IN":
        return value in values
    if op == "NOT IN":
        return value not in values
    if op == "BETWEEN":
        return values[0] <= value <= values[1]
    return {
        "=": value == values[0],
        "!=": value != values[0],
        "<": value < values[0],
        "<=": value <= values[0],
        ">": value > values[0],
        ">=": value >= values[0],
    }[op]


def campaign_criterion_rows(world, customer: str):
    """The world campaigns' negatives as google_search rows (FROM campaign_criterion)."""
    prefix = f"customers/{customer}/"
    for c in world.search_terms.negatives.criteria.values():
        if not c["resource_name"].startswith(prefix):
            continue
        campaign = f"{prefix}campaigns/{c['campaign'] + 1}"
        yield {
            "customer.id": int(customer),
            "customer.resource_name": f"customers/{customer}",
            "campaign.id": c["campaign"] + 1,
            "campaign.resource_name": campaign,
            "campaign_criterion.resource_name": c["resource_name"],
            "campaign_criterion.criterion_id": c["id"],
            "campaign_criterion.campaign": campaign,
            "campaign_criterion.type": "KEYWORD",
            "campaign_criterion.negative": True,
            "campaign_criterion.status": c["status"],
            "campaign_criterion.keyword.text": c["text"],
            "campaign_criterion.keyword.match_type": c["match_type"],
        }


def serves_mutate(world, customer: str, collection: str, body: object) -> bool:
    """Whether this module answers a mutate: the lists always; campaign criteria when
    they name the world's own campaigns (created campaigns are launched.py's)."""
    if collection in ("sharedSets", "sharedCriteria", "campaignSharedSets"):
        return True
    if collection != "campaignCriteria" or not isinstance(body, dict):
        return False
    ops = body.get("operations")
    if not isinstance(ops, list) or not ops:
        return False
    store = world.search_terms.negatives.criteria
    prefix = f"customers/{customer}/campaigns/"
    for op in ops:
        if not isinstance(op, dict):
            return False
        if "remove" in op:
            if op["remove"] not in store:
                return False
            continue
        create = op.get("create")
        name = create.get("campaign") if isinstance(create, dict) else None
        if not isinstance(name, str) or not name.startswith(prefix):
            return False
        number = name[len(prefix) :]
        if not number.isdigit() or not 1 <= int(number) <= len(world.campaign_ids):
            return False
    return True


def wasted_spend(world, first_day: int, last_day: int) -> dict:
    """Ground truth: spend on irrelevant terms (and all spend) over complete days."""
    st = world.search_terms
    waste = total = 0.0
    for day in range(first_day, last_day + 1):
        rows = st.days.get(day)
        if rows is not None:
            waste += float(rows[0, st.terms.irrelevant].sum())
            total += float(rows[0].sum())
    return {"wastedSpend": round(waste, 2), "termSpend": round(total, 2)}


def serve_mutate(world, customer: str, collection: str, body: dict, request_id: str) -> dict:
    """Validate, apply (unless validateOnly) and log a mutate of negatives."""
    from executors.sandbox.google_errors import partial_failure_error
    from executors.sandbox.operations import apply_write

    answer, writes = mutate(world, customer, collection, body)
    errors = answer.pop("errors")
    if body.get("validateOnly"):
        answer = {}
    else:
        for index, (path, write) in enumerate(writes):
            result = apply_write(world, "POST", path, write)
            world.record_write(
                {
                    "seq": len(world.writes) + 1,
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                    "day": world.today_date.isoformat(),
                    "dayIndex": world.today,
                    "method": "POST",
                    "path": path,
                    "idempotencyKey": None,  # Google has none
                    "body": write,
                    "status": 200,
                    "response": result,
                    "platform": "google_ads",
                    "google": {"service": collection, "requestId": request_id, "write": index},
                }
            )
    if errors:
        answer["partialFailureError"] = partial_failure_error(errors, request_id)
    return answer
