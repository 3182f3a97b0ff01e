"""Objects created through the platform APIs (a launch), for both API shapes.

The generated world is a fixed set of numpy arrays; what a client creates lives here,
beside it: Google budgets, campaigns, ad groups, keyword criteria, campaign criteria
and responsive search ads, and Adobe campaigns, ad groups and creatives. Every create
is a write-log entry like any other write (method POST, a `/googleads/…:create` or an
Adobe path), so a restarted sandbox replays it and the same ids come back: ids are
handed out in write order from FIRST_ID, far above the generated ones.

Each created campaign gets a response curve from its fit to its offer (`fit`,
documented in docs/sandbox-api.md): better keywords and copy convert better.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from executors.sandbox.errors import ApiError, bad_request, not_found

FIRST_ID = 900_001
GOOGLE_COLLECTIONS = (
    "campaignBudgets",
    "campaigns",
    "adGroups",
    "adGroupCriteria",
    "campaignCriteria",
    "adGroupAds",
)
# Google's documented limits the sandbox enforces (see campaigns/platform_limits.py).
MAX_CAMPAIGNS = 10_000
MAX_AD_GROUPS_PER_CAMPAIGN = 20_000
MAX_CRITERIA_PER_AD_GROUP = 20_000
MAX_ENABLED_RSAS_PER_AD_GROUP = 3
HEADLINES = (3, 15, 30)  # least, most, characters each
DESCRIPTIONS = (2, 4, 90)
MAX_KEYWORD_CHARS, MAX_KEYWORD_WORDS = 80, 10
MAX_NAME_CHARS = 255
MATCH_TYPES = ("EXACT", "PHRASE", "BROAD")
BIDDING = (
    "manualCpc",
    "maximizeConversions",
    "maximizeConversionValue",
    "targetCpa",
    "targetRoas",
    "targetSpend",
)
ADOBE_PATHS = {"/campaigns": "campaigns", "/adGroups": "adGroups", "/creatives": "creatives"}
ADOBE_PREFIX = {"campaigns": "LCMP", "adGroups": "LAG", "creatives": "CRV"}
GOOGLE_WRITE = re.compile(
    r"^/googleads/customers/(?P<customer>\d+)/(?P<collection>\w+):(?P<verb>create|update|remove)$"
)
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about an offer; left out of the fit.
STOPWORDS = {"www", "com", "https", "http", "html", "the", "and", "for", "with", "buy", "shop"}


@dataclass
class Launched:
    """Everything created through the APIs, by platform and collection."""

    google: dict[str, dict[str, dict]] = field(
        default_factory=lambda: {c: {} for c in GOOGLE_COLLECTIONS}
    )
    adobe: dict[str, dict[str, dict]] = field(
        default_factory=lambda: {c: {} for c in ADOBE_PATHS.values()}
    )
    next_id: int = FIRST_ID

    def take_id(self, wanted: int | None = None) -> int:
        number = self.next_id if wanted is None else wanted
        self.next_id = max(self.next_id, number + 1)
        return number


class CreateError(Exception):
    """One Google operation is invalid: Google's error family, code and message."""

    def __init__(self, family: str, code: str, message: str, *fields: str):
        super().__init__(message)
        self.family, self.code, self.message, self.fields = family, code, message, fields


# ------------------------------------------------------------------------- Google ---
def _get(body: dict, camel: str):
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()
    return body.get(camel, body.get(snake))


def _name(body: dict, what: str) -> str:
    name = _get(body, "name")
    if not isinstance(name, str) or not name.strip():
        raise CreateError("requestError", "REQUIRED_FIELD_MISSING", f"{what} needs a name.", "name")
    if len(name) > MAX_NAME_CHARS:
        raise CreateError(
            "stringLengthError", "TOO_LONG", f"{what} name over {MAX_NAME_CHARS} chars.", "name"
        )
    return name


def _status(body: dict, default: str = "ENABLED") -> str:
    status = _get(body, "status") or default
    if status not in ("ENABLED", "PAUSED"):
        raise CreateError(
            "requestError", "INVALID_ENUM_VALUE", f"status {status!r} is not ENABLED/PAUSED."
        )
    return status


def _micros(body: dict, key: str, *, required: bool) -> int | None:
    raw = _get(body, key)
    if raw is None:
        if required:
            raise CreateError("requestError", "REQUIRED_FIELD_MISSING", f"{key} is required.", key)
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise CreateError("fieldError", "INVALID_VALUE", f"{key} must be micros.", key) from None
    if value <= 0:
        family, code = (
            ("rangeError", "TOO_LOW")
            if key == "amountMicros"
            else ("biddingError", "BID_TOO_SMALL")
        )
        raise CreateError(family, code, f"{key} {value} must be positive.", key)
    if value % 10_000:
        family = "campaignBudgetError" if key == "amountMicros" else "biddingError"
        code = (
            "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT"
            if key == "amountMicros"
            else "BID_TOO_MANY_FRACTIONAL_DIGITS"
        )
        raise CreateError(family, code, f"{key} {value} is not a multiple of 10000 micros.", key)
    return value


def _parent(store: dict, body: dict, key: str, customer: str, pending: list) -> dict:
    name = _get(body, key)
    parent = store.get(name) if isinstance(name, str) else None
    if parent is None:  # created earlier in the same request (a temporary id)
        parent = next((r for r in pending if r.get("resource_name") == name), None)
    if parent is None or parent["customer"] != customer:
        raise CreateError(
            "mutateError", "RESOURCE_NOT_FOUND", f"{key} {name!r} does not exist.", key
        )
    return parent


def _keyword(body: dict) -> tuple[str, str]:
    keyword = _get(body, "keyword")
    if not isinstance(keyword, dict):
        raise CreateError("criterionError", "INVALID_KEYWORD_TEXT", "keyword is required.")
    text, match = keyword.get("text"), _get(keyword, "matchType")
    if not isinstance(text, str) or not text.strip():
        raise CreateError("criterionError", "INVALID_KEYWORD_TEXT", "keyword.text is empty.")
    if len(text) > MAX_KEYWORD_CHARS:
        raise CreateError("criterionError", "KEYWORD_TEXT_TOO_LONG", f"{text!r} is too long.")
    if len(text.split()) > MAX_KEYWORD_WORDS:
        raise CreateError("criterionError", "KEYWORD_HAS_TOO_MANY_WORDS", f"{text!r}: too many.")
    if match not in MATCH_TYPES:
        raise CreateError("criterionError", "INVALID_MATCH_TYPE", f"matchType {match!r}.")
    return text, match


def _texts(body: dict, key: str, limits: tuple[int, int, int]) -> list[str]:
    least, most, chars = limits
    items = body.get(key)
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("text"), str) and i["text"].strip() for i in items
    ):
        raise CreateError("adError", "REQUIRED_FIELD_MISSING", f"{key} must be a list of {{text}}.")
    if len(items) < least:
        code = "TOO_FEW_HEADLINES" if key == "headlines" else "TOO_FEW_DESCRIPTIONS"
        raise CreateError("adError", code, f"{len(items)} {key}; at least {least} are needed.")
    if len(items) > most:
        code = "TOO_MANY_HEADLINES" if key == "headlines" else "TOO_MANY_DESCRIPTIONS"
        raise CreateError("adError", code, f"{len(items)} {key}; at most {most} are allowed.")
    for n, item in enumerate(items):
        if len(item["text"]) > chars:
            raise CreateError(
                "adError",
                "LINE_TOO_WIDE",
                f"{key}[{n}] {item['text']!r} is {len(item['text'])} characters; "
                f"the limit is {chars}.",
                key,
            )
    return [i["text"] for i in items]


def plan_google_create(world, customer: str, collection: str, body: object, pending: list[dict]):
    """A valid create as the record it will store (without its id); CreateError otherwise.

    `pending` holds the records planned earlier in the same request, so two creates of
    one request collide as they would once applied.
    """
    if not isinstance(body, dict):
        raise CreateError("requestError", "REQUIRED_FIELD_MISSING", "create must be an object.")
    store = world.launched.google

    def everything(kind: str) -> list[dict]:
        mine = [r for r in store[kind].values() if r["customer"] == customer]
        return mine + [r for r in pending if r["kind"] == kind]

    record: dict = {"customer": customer, "kind": collection}
    if collection == "campaignBudgets":
        if _get(body, "explicitlyShared"):
            raise CreateError(
                "campaignBudgetError", "CANNOT_USE_SHARED_BUDGET", "Only unshared budgets."
            )
        record |= {
            "name": _get(body, "name") or "",
            "amount_micros": _micros(body, "amountMicros", required=True),
        }
    elif collection == "campaigns":
        name = _name(body, "A campaign")
        generated = {world.campaign(i)["name"] for i in range(len(world.campaign_ids))}
        if name in generated or any(r["name"] == name for r in everything("campaigns")):
            raise CreateError(
                "campaignError", "DUPLICATE_CAMPAIGN_NAME", f"{name!r} already exists.", "name"
            )
        if len(generated) + len(everything("campaigns")) >= MAX_CAMPAIGNS:
            raise CreateError(
                "resourceCountLimitExceededError",
                "ACCOUNT_LIMIT",
                f"The account already has {MAX_CAMPAIGNS} campaigns.",
            )
        channel = _get(body, "advertisingChannelType")
        if channel != "SEARCH":
            raise CreateError(
                "campaignError",
                "INVALID_ADVERTISING_CHANNEL_TYPE",
                f"advertisingChannelType {channel!r}: the sandbox creates SEARCH only.",
            )
        bidding = [key for key in BIDDING if _get(body, key) is not None]
        if len(bidding) != 1:
            raise CreateError(
                "biddingError",
                "BIDDING_STRATEGY_NOT_SUPPORTED" if bidding else "REQUIRED_FIELD_MISSING",
                f"Exactly one bidding strategy of {', '.join(BIDDING)} is needed.",
            )
        budget = _parent(store["campaignBudgets"], body, "campaignBudget", customer, pending)
        record |= {
            "name": name,
            "status": _status(body, "ENABLED"),
            "budget": budget["resource_name"],
            "bidding": {bidding[0]: _get(body, bidding[0])},
            "network": _get(body, "networkSettings") or {},
        }
    elif collection == "adGroups":
        name = _name(body, "An ad group")
        campaign = _parent(store["campaigns"], body, "campaign", customer, pending)
        siblings = [r for r in everything("adGroups") if r["campaign"] == campaign["resource_name"]]
        if any(r["name"] == name for r in siblings):
            raise CreateError(
                "adGroupError", "DUPLICATE_ADGROUP_NAME", f"{name!r} exists in the campaign."
            )
        if len(siblings) >= MAX_AD_GROUPS_PER_CAMPAIGN:
            raise CreateError(
                "resourceCountLimitExceededError",
                "CAMPAIGN_LIMIT",
                f"The campaign already has {MAX_AD_GROUPS_PER_CAMPAIGN} ad groups.",
            )
        record |= {
            "name": name,
            "campaign": campaign["resource_name"],
            "status": _status(body),
            "cpc_bid_micros": _micros(body, "cpcBidMicros", required=False),
        }
    elif collection == "adGroupCriteria":
        group = _parent(store["adGroups"], body, "adGroup", customer, pending)
        text, match = _keyword(body)
        siblings = [
            r for r in everything("adGroupCriteria") if r["ad_group"] == group["resource_name"]
        ]
        if len(siblings) >= MAX_CRITERIA_PER_AD_GROUP:
            raise CreateError(
                "resourceCountLimitExceededError",
                "ADGROUP_LIMIT",
                f"The ad group already has {MAX_CRITERIA_PER_AD_GROUP} criteria.",
            )
        record |= {
            "ad_group": group["resource_name"],
            "campaign": group["campaign"],
            "text": text,
            "match_type": match,
            "negative": bool(body.get("negative", False)),
            "status": _status(body),
        }
    elif collection == "campaignCriteria":
        campaign = _parent(store["campaigns"], body, "campaign", customer, pending)
        record |= {"campaign": campaign["resource_name"], "negative": bool(body.get("negative"))}
        if _get(body, "keyword") is not None:
            text, match = _keyword(body)
            if not record["negative"]:
                raise CreateError(
                    "campaignCriterionError",
                    "CANNOT_TARGET_CRITERION",
                    "Campaign-level keywords must be negative.",
                )
            record |= {"type": "KEYWORD", "text": text, "match_type": match}
        elif isinstance(body.get("location"), dict):
            record |= {"type": "LOCATION", "target": _get(body["location"], "geoTargetConstant")}
        elif isinstance(body.get("language"), dict):
            record |= {"type": "LANGUAGE", "target": _get(body["language"], "languageConstant")}
        else:
            raise CreateError(
                "campaignCriterionError",
                "CANNOT_TARGET_CRITERION",
                "A campaign criterion needs a keyword, location or language.",
            )
    elif collection == "adGroupAds":
        group = _parent(store["adGroups"], body, "adGroup", customer, pending)
        ad = body.get("ad")
        rsa = _get(ad, "responsiveSearchAd") if isinstance(ad, dict) else None
        if not isinstance(rsa, dict):
            raise CreateError("adError", "REQUIRED_FIELD_MISSING", "ad.responsiveSearchAd needed.")
        urls = _get(ad, "finalUrls")
        if not isinstance(urls, list) or not urls or not all(_url(u) for u in urls):
            raise CreateError("adError", "FINAL_URL_REQUIRED", "ad.finalUrls needs an http(s) URL.")
        status = _status(body)
        enabled = [
            r
            for r in everything("adGroupAds")
            if r["ad_group"] == group["resource_name"] and r["status"] == "ENABLED"
        ]
        if status == "ENABLED" and len(enabled) >= MAX_ENABLED_RSAS_PER_AD_GROUP:
            raise CreateError(
                "resourceCountLimitExceededError",
                "RESOURCE_LIMIT",
                f"The ad group already has {MAX_ENABLED_RSAS_PER_AD_GROUP} enabled "
                "responsive search ads.",
            )
        record |= {
            "ad_group": group["resource_name"],
            "campaign": group["campaign"],
            "status": status,
            "final_urls": list(urls),
            "headlines": _texts(rsa, "headlines", HEADLINES),
            "descriptions": _texts(rsa, "descriptions", DESCRIPTIONS),
        }
    else:
        raise CreateError("mutateError", "MUTATE_NOT_ALLOWED", f"{collection} cannot be created.")
    return record


def _url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def resource_name(record: dict, number: int) -> str:
    """Google's resource name of a created record (criteria and ads name their parent)."""
    base = f"customers/{record['customer']}/{record['kind']}/"
    if record["kind"] in ("adGroupCriteria", "adGroupAds"):
        return base + f"{record['ad_group'].rsplit('/', 1)[1]}~{number}"
    if record["kind"] == "campaignCriteria":
        return base + f"{record['campaign'].rsplit('/', 1)[1]}~{number}"
    return base + str(number)


def is_launched(world, name: object) -> bool:
    """Whether a resource name is one of the created Google objects."""
    return isinstance(name, str) and any(name in c for c in world.launched.google.values())


def plan_google_update(world, customer: str, collection: str, body: dict, mask: object) -> dict:
    """A status update of a created campaign, ad group or ad; CreateError otherwise."""
    store = world.launched.google.get(collection, {})
    record = store.get(body.get("resourceName"))
    if record is None or record["customer"] != customer:
        raise CreateError("mutateError", "RESOURCE_NOT_FOUND", f"{body.get('resourceName')!r}.")
    fields = [f.strip() for f in str(mask or "").split(",") if f.strip()]
    if fields != ["status"] or collection not in ("campaigns", "adGroups", "adGroupAds"):
        raise CreateError(
            "mutateError",
            "MUTATE_NOT_ALLOWED",
            "Created objects take status updates only (updateMask 'status').",
        )
    return {"resourceName": record["resource_name"], "status": _status(body)}


# What a remove operation may remove: Google keeps a removed criterion or ad, with the
# status REMOVED (reports still show it), and never brings it back.
REMOVABLE = ("adGroupCriteria", "campaignCriteria", "adGroupAds")


def plan_google_remove(world, customer: str, collection: str, name: object) -> dict:
    """A remove of a created keyword criterion or ad (`{"remove": resourceName}`)."""
    record = world.launched.google.get(collection, {}).get(name)
    if record is None or record["customer"] != customer:
        raise CreateError("mutateError", "RESOURCE_NOT_FOUND", f"{name!r}.")
    if collection not in REMOVABLE:
        raise CreateError(
            "mutateError",
            "MUTATE_NOT_ALLOWED",
            f"The sandbox removes criteria and ads only, not {collection}.",
        )
    if record.get("status") == "REMOVED":
        raise CreateError("mutateError", "RESOURCE_ALREADY_REMOVED", f"{name} is removed already.")
    return {"resourceName": record["resource_name"], "status": "REMOVED"}


def apply_google(world, path: str, body: dict) -> dict:
    """Store a planned create (body: {"id", "record"}) or apply an update or remove
    (body: the new status); replayable."""
    match = GOOGLE_WRITE.match(path)
    store = world.launched.google[match["collection"]]
    if match["verb"] in ("update", "remove"):
        store[body["resourceName"]]["status"] = body["status"]
        return {"resourceName": body["resourceName"]}
    record = dict(body["record"])
    number = world.launched.take_id(body["id"])
    record |= {"id": number, "resource_name": resource_name(record, number)}
    store[record["resource_name"]] = record
    return {"resourceName": record["resource_name"]}


# ------------------------------------------------------------------------- Adobe ---
def is_adobe_create(method: str, path: str) -> bool:
    return method == "POST" and path in ADOBE_PATHS


def apply_adobe(world, path: str, body: dict) -> dict:
    """Validate and apply an Adobe create; the created object (ApiError on refusal)."""
    kind = ADOBE_PATHS[path]
    store = world.launched.adobe
    name = body.get("name")
    if kind != "creatives" and (not isinstance(name, str) or not name.strip()):
        raise bad_request("name is required.")
    if kind == "campaigns":
        _reject(body, {"name", "budget", "status", "objective", "label"}, "the campaign")
        generated = {world.campaign(i)["name"] for i in range(len(world.campaign_ids))}
        if name in generated or any(c["name"] == name for c in store["campaigns"].values()):
            raise ApiError("SBX-1409-409", f"A campaign named {name!r} already exists.")
        budget = body.get("budget")
        if not isinstance(budget, dict) or not isinstance(budget.get("allocated"), int | float):
            raise bad_request("budget.allocated is required.")
        if budget.get("currency") != world.currency:
            raise bad_request(f"budget.currency must be {world.currency}.")
        obj = {
            "name": name,
            "status": _adobe_status(body),
            "budget": {"allocated": float(budget["allocated"]), "currency": world.currency},
            "objective": body.get("objective", ""),
            "label": str(body.get("label", ""))[:255],  # the creator's own reference
        }
    elif kind == "adGroups":
        _reject(
            body,
            {"name", "campaignId", "averageBid", "keywords", "negativeKeywords", "status"},
            "the ad group",
        )
        campaign = store["campaigns"].get(body.get("campaignId"))
        if campaign is None:
            raise not_found(f"Campaign {body.get('campaignId')!r} was not created here.")
        if any(
            g["name"] == name and g["campaignId"] == campaign["id"]
            for g in store["adGroups"].values()
        ):
            raise ApiError("SBX-1409-409", f"Ad group {name!r} exists in the campaign.")
        keywords = body.get("keywords", [])
        if not isinstance(keywords, list) or not all(
            isinstance(k, dict) and isinstance(k.get("text"), str) for k in keywords
        ):
            raise bad_request("keywords must be a list of {text, matchType}.")
        obj = {
            "name": name,
            "campaignId": campaign["id"],
            "status": _adobe_status(body),
            "averageBid": float(body.get("averageBid") or 0),
            "currency": world.currency,
            "keywords": keywords,
            "negativeKeywords": list(body.get("negativeKeywords", [])),
        }
    else:
        _reject(body, {"adGroupId", *CREATIVE_COPY}, "ad")
        group = store["adGroups"].get(body.get("adGroupId"))
        if group is None:
            raise not_found(f"Ad group {body.get('adGroupId')!r} was not created here.")
        obj = {
            "adGroupId": group["id"],
            "campaignId": group["campaignId"],
            **_creative_copy(body),
            "status": "active",
        }
    obj["id"] = f"{ADOBE_PREFIX[kind]}-{world.launched.take_id()}"
    store[kind][obj["id"]] = obj
    return dict(obj)


CREATIVE_COPY = ("headlines", "descriptions", "finalUrl", "imageUrl")


def _creative_copy(body: dict) -> dict:
    """A creative's copy, validated (the same rules for a create and an update)."""
    for key, (least, most, chars) in (("headlines", HEADLINES), ("descriptions", DESCRIPTIONS)):
        texts = body.get(key)
        if not isinstance(texts, list) or not least <= len(texts) <= most:
            raise bad_request(f"{key} must hold {least} to {most} texts.")
        for text in texts:
            if not isinstance(text, str) or not 0 < len(text) <= chars:
                raise bad_request(f"{key}: {text!r} must be 1 to {chars} characters.")
    if not _url(body.get("finalUrl")):
        raise bad_request("finalUrl must be an http(s) URL.")
    return {
        "headlines": list(body["headlines"]),
        "descriptions": list(body["descriptions"]),
        "finalUrl": body["finalUrl"],
        "imageUrl": body.get("imageUrl", ""),
    }


def update_adobe_creative(world, creative_id: str, body: dict) -> dict:
    """PATCH /creatives/{id}: a created creative's whole copy replaced (Adobe creatives,
    unlike Google's responsive search ads, take their text edited in place)."""
    creative = world.launched.adobe["creatives"].get(creative_id)
    if creative is None:
        raise not_found(f"Creative {creative_id!r} was not created here.")
    _reject(body, set(CREATIVE_COPY), "the creative")
    copy = _creative_copy(body)
    if "imageUrl" not in body:
        del copy["imageUrl"]  # not part of this update: the image stays
    creative.update(copy)
    return dict(creative)


def _adobe_status(body: dict) -> str:
    status = body.get("status", "paused")
    if status not in ("active", "paused"):
        raise bad_request(f"status must be 'active' or 'paused', got {status!r}.")
    return status


def _reject(body: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"Unknown field(s) {', '.join(unknown)} in {where}.")


def adobe_campaign_status(world, campaign_id: str, status: object) -> dict | None:
    """PATCH /campaign/{id} on a created campaign (status only); None if not created."""
    campaign = world.launched.adobe["campaigns"].get(campaign_id)
    if campaign is None:
        return None
    if status not in ("active", "paused"):
        raise bad_request("A created campaign takes {'status': 'active' | 'paused'} only.")
    campaign["status"] = status
    return {"status": "success", "campaignId": campaign_id, "newStatus": status}


# --------------------------------------------------------------------------- fit ---
def words(text: str) -> set[str]:
    """The meaningful words of a text or URL (lower case, 3+ letters, no stop words)."""
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in STOPWORDS}


def fit(offer: str, keywords: list[str], headlines: list[str]) -> float:
    """How well a campaign's keywords and copy fit its offer, 0..1.

    The offer is the words of the final URL (its path and host). Fit is the mean of
    two shares: keywords with a word of the offer, and headlines with one. A
    campaign of nothing but on-offer keywords and headlines has fit 1.
    """
    target = words(offer)
    shares = []
    for texts in (keywords, headlines):
        if texts:
            shares.append(sum(bool(words(t) & target) for t in texts) / len(texts))
        else:
            shares.append(0.0)
    return sum(shares) / len(shares)


BASE_CONVERSION_RATE = 0.01
FIT_LIFT = 4.0  # conversion rate at fit 1 is (1 + FIT_LIFT) times the rate at fit 0
SPEND_SCALE = 2_000.0  # spend (world currency, a day) at which 63 % of the ceiling is reached


def curve(fit_value: float, budget: float, cpc: float) -> dict:
    """A created campaign's daily response: conversions(spend) = max * (1 - exp(-s/scale))."""
    rate = BASE_CONVERSION_RATE * (1 + FIT_LIFT * fit_value)
    max_conversions = rate * SPEND_SCALE / max(cpc, 0.01)
    return {
        "fit": fit_value,
        "conversionRate": rate,
        "maxConversions": max_conversions,
        "spendScale": SPEND_SCALE,
        "budget": budget,
        "expectedConversions": max_conversions * (1 - math.exp(-budget / SPEND_SCALE)),
    }


def google_curves(world) -> list[dict]:
    """The curve of every created Google campaign (ground truth, for /_sandbox/truth)."""
    store = world.launched.google
    out = []
    for campaign in store["campaigns"].values():
        rn = campaign["resource_name"]
        groups = [g for g in store["adGroups"].values() if g["campaign"] == rn]
        keywords = [
            k["text"]
            for k in store["adGroupCriteria"].values()
            if k["campaign"] == rn and not k["negative"] and k["status"] != "REMOVED"
        ]
        ads = [
            a
            for a in store["adGroupAds"].values()
            if a["campaign"] == rn and a["status"] != "REMOVED"
        ]
        headlines = [h for a in ads for h in a["headlines"]]
        offer = " ".join(u for a in ads for u in a["final_urls"])
        budget = store["campaignBudgets"].get(campaign["budget"], {}).get("amount_micros", 0)
        bids = [g["cpc_bid_micros"] / 1e6 for g in groups if g.get("cpc_bid_micros")]
        cpc = sum(bids) / len(bids) if bids else 10.0
        out.append(
            {"resourceName": rn, "name": campaign["name"], "status": campaign["status"]}
            | curve(fit(offer, keywords, headlines), budget / 1e6, cpc)
        )
    return out
