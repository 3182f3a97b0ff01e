"""The platform writes: validated, applied to the world, answered in Adobe's shapes.

The same functions serve live HTTP requests and the replay of a saved write log, so a
write that was accepted once is re-applied exactly the same way after a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import time

from executors.sandbox import google_search_terms, launched
from executors.sandbox.errors import bad_request, not_found
from executors.sandbox.world import World

CAMPAIGN_PATH = re.compile(r"^/campaign/(?P<id>[^/]+)$")
CREATIVE_PATH = re.compile(r"^/creatives/(?P<id>[^/]+)$")
BIDDING_PATH = re.compile(r"^/adGroups/(?P<id>[^/]+)/bidding$")
SEGMENT_JOBS_PATH = "/data/core/ups/segment/jobs"
SEGMENT_ACTIONS = {"activate": True, "deactivate": False}
DEFAULT_DESTINATIONS = ["google-ads"]
MAX_BUDGET = 1e12
MAX_BID = 1e6


def is_write(method: str, path: str) -> bool:
    """Whether (method, path) is one of the platform's write endpoints."""
    return (
        (
            method == "PATCH"
            and bool(
                CAMPAIGN_PATH.match(path) or BIDDING_PATH.match(path) or CREATIVE_PATH.match(path)
            )
        )
        or (method == "POST" and path == SEGMENT_JOBS_PATH)
        or launched.is_adobe_create(method, path)
    )


def apply_write(
    world: World, method: str, path: str, body: object, *, stale_seconds: float = 0.0
) -> dict:
    """Validate and apply one write; returns the success body or raises ApiError.

    With `stale_seconds` (the `staleReadSeconds` fault; never on a replay from the
    state file) reads go on showing the object as it was for that long.
    """
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    if method == "POST" and google_search_terms.WRITE.match(path):
        return world.search_terms.apply(path, body, world.today)  # validated when planned
    if method == "POST" and launched.GOOGLE_WRITE.match(path):
        return launched.apply_google(world, path, body)  # validated when planned
    if launched.is_adobe_create(method, path):
        return launched.apply_adobe(world, path, body)
    if method == "PATCH" and (match := CREATIVE_PATH.match(path)):
        return launched.update_adobe_creative(world, match["id"], body)
    if method == "PATCH" and (match := CAMPAIGN_PATH.match(path)):
        done = launched.adobe_campaign_status(world, match["id"], body.get("status"))
        if done is not None:
            return done
    if stale_seconds > 0:
        target = _target(method, path, body)
        if target is not None:
            world.hold_stale(*target, seconds=stale_seconds, now=time.monotonic())
    if method == "PATCH" and (match := CAMPAIGN_PATH.match(path)):
        return _patch_campaign(world, match["id"], body)
    if method == "PATCH" and (match := BIDDING_PATH.match(path)):
        return _patch_bidding(world, match["id"], body)
    if method == "POST" and path == SEGMENT_JOBS_PATH:
        return _segment_job(world, body)
    raise not_found(f"No write endpoint {method} {path}.")


def _target(method: str, path: str, body: dict) -> tuple[str, str] | None:
    """(kind, external id) of the object a write changes."""
    if method == "PATCH" and (match := CAMPAIGN_PATH.match(path)):
        return "campaign", match["id"]
    if method == "PATCH" and (match := BIDDING_PATH.match(path)):
        return "adGroup", match["id"]
    if method == "POST" and path == SEGMENT_JOBS_PATH and isinstance(body.get("segmentId"), str):
        return "segment", body["segmentId"]
    return None


def _effective_date(world: World) -> str:
    tomorrow = world.today_date + dt.timedelta(days=1)
    return f"{tomorrow.isoformat()}T00:00:00Z"


def _reject_unknown(body: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(
            f"Unknown field(s) {', '.join(map(repr, unknown))} in {where}; "
            f"allowed: {', '.join(sorted(allowed))}."
        )


def _money(world: World, payload: object, amount_key: str, where: str, limit: float) -> float:
    """A number + currency pair; 400 with the exact reason otherwise."""
    if not isinstance(payload, dict):
        raise bad_request(f"{where} must be an object with '{amount_key}' and 'currency'.")
    _reject_unknown(payload, {amount_key, "currency"}, where)
    amount = payload.get(amount_key)
    if amount_key not in payload:
        raise bad_request(f"{where}.{amount_key} is required.")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise bad_request(f"{where}.{amount_key} must be a number, got {amount!r}.")
    if not math.isfinite(amount):
        raise bad_request(f"{where}.{amount_key} must be finite, got {amount!r}.")
    currency = payload.get("currency")
    if currency is None:
        raise bad_request(f"{where}.currency is required (this account uses {world.currency}).")
    if currency != world.currency:
        raise bad_request(
            f"{where}.currency {currency!r} does not match the account currency {world.currency!r}."
        )
    if amount > limit:
        raise bad_request(f"{where}.{amount_key} {amount} exceeds the maximum {limit:g}.")
    return float(amount)


def _patch_campaign(world: World, campaign_id: str, body: dict) -> dict:
    try:
        index = world.campaign_index(campaign_id)
    except KeyError:
        raise not_found(f"Campaign {campaign_id!r} does not exist.") from None
    _reject_unknown(body, {"budget", "status"}, "the campaign patch")
    if "budget" not in body and "status" not in body:
        raise bad_request("The campaign patch must set 'budget' and/or 'status'.")
    budget = None
    if "budget" in body:
        budget = _money(world, body["budget"], "allocated", "budget", MAX_BUDGET)
        if budget < 0:
            raise bad_request(f"budget.allocated must not be negative, got {budget}.")
    status = body.get("status")
    if "status" in body and status not in ("active", "paused"):
        raise bad_request(f"status must be 'active' or 'paused', got {status!r}.")

    # Validate everything before changing anything: a write is all or nothing.
    if budget is not None:
        world.set_campaign_budget(campaign_id, budget)
    if status is not None:
        world.set_campaign_status(campaign_id, status == "active")
    response = {
        "status": "success",
        "campaignId": campaign_id,
        "newBudget": float(world.campaign(index)["budget"]["allocated"]),
        "effectiveDate": _effective_date(world),
    }
    if status is not None:
        response["newStatus"] = status
    return response


def _patch_bidding(world: World, ad_group_id: str, body: dict) -> dict:
    try:
        world.ad_group_index(ad_group_id)
    except KeyError:
        raise not_found(f"Ad group {ad_group_id!r} does not exist.") from None
    bid = _money(world, body, "averageBid", "the bidding patch", MAX_BID)
    if bid <= 0:
        raise bad_request(f"averageBid must be greater than 0, got {bid}.")
    bid = round(bid, 2)
    world.set_ad_group_bid(ad_group_id, bid)
    return {
        "status": "success",
        "adGroupId": ad_group_id,
        "newBid": bid,
        "platform": "Google Ads",
        "effectiveDate": _effective_date(world),
    }


def _segment_job(world: World, body: dict) -> dict:
    _reject_unknown(body, {"segmentId", "action", "destinations"}, "the segment job")
    segment_id = body.get("segmentId")
    if not isinstance(segment_id, str) or not segment_id:
        raise bad_request("segmentId is required and must be a string.")
    action = body.get("action")
    if action not in SEGMENT_ACTIONS:
        raise bad_request(f"action must be 'activate' or 'deactivate', got {action!r}.")
    destinations = body.get("destinations", DEFAULT_DESTINATIONS)
    if (
        not isinstance(destinations, list)
        or not destinations
        or not all(isinstance(d, str) and d for d in destinations)
    ):
        raise bad_request("destinations must be a non-empty list of strings.")
    try:
        index = world.segment_index(segment_id)
    except KeyError:
        raise not_found(f"Segment {segment_id!r} does not exist.") from None
    world.set_segment_status(segment_id, SEGMENT_ACTIONS[action])
    # Deterministic job ids keep replays and reports byte-identical.
    sequence = len(world.writes) + 1
    digest = hashlib.sha1(f"{world.seed}:{sequence}:{segment_id}:{action}".encode()).hexdigest()
    return {
        "status": "success",
        "jobId": f"job-{digest[:12]}",
        "segmentId": segment_id,
        "action": action,
        "estimatedProfiles": world.segment(index)["estimatedProfiles"],
        "destinations": list(destinations),
        "effectiveDate": _effective_date(world),
    }
