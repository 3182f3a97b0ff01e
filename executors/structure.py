"""Keyword and ad-copy changes on Google Ads (campaigns.change_kinds: structure kinds).

Google has no idempotency key, so every write here is made idempotent by looking
first, as a deployment does (executors.deploy.google): a keyword is added only if
the ad group does not show it, removed only if it does; an ad's copy is replaced by
creating a new responsive search ad with that copy unless one exists already (an
RSA's text is immutable) and removing the ad group's other ads. Reading the same
lookup answers the pipeline's read-back: "present" once the platform shows the
keyword (or exactly one ad, with the copy), "absent" otherwise; an ad group's
status is updated only if it differs, and read back as "active" / "paused".

A change's spec (what `GoogleAdsWriter.prepare` puts in the request) names the
platform's resources; `apply` takes `(target, spec)` pairs like the client's other
batched calls and answers one OperationResult per change.
"""

from urllib.parse import quote

from campaigns.models import Ad
from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.clients.google_ads import OperationResult
from executors.deploy.google import gaql_string

CALL = "apply_structure"
PRESENT, ABSENT = "present", "absent"
REMOVED = "REMOVED"
STATUS_WORDS = {"ENABLED": "active", "PAUSED": "paused"}


class NotOnPlatform(ValueError):
    """The change names an object Spectra never put on the platform."""


def keyword_spec(rec, *, customer: str, ad_group_external_id: str | None) -> dict:
    s = rec.structure
    campaign = f"customers/{customer}/campaigns/{rec.campaign.external_id}"
    if not rec.campaign.external_id or (s["ad_group"] and not ad_group_external_id):
        raise NotOnPlatform(
            f"The keyword ‘{s['text']}’ belongs to a campaign or ad group that is not on "
            "Google Ads yet; deploy it first."
        )
    group = f"customers/{customer}/adGroups/{ad_group_external_id}" if s["ad_group"] else None
    return {
        "kind": rec.kind,
        "campaign": campaign,
        "ad_group": group,
        "text": s["text"],
        "match_type": s["match_type"],
        "negative": bool(s["negative"]),
        # In the account's shared negative-keyword list (attached to the campaign) rather
        # than a criterion of the campaign alone.
        "list": bool(s.get("list")),
    }


def ad_group_spec(rec, *, customer: str) -> dict:
    if not rec.campaign.external_id or not rec.ad_group.external_id:
        raise NotOnPlatform(f"Ad group ‘{rec.ad_group}’ is not on Google Ads yet.")
    return {
        "kind": rec.kind,
        "campaign": f"customers/{customer}/campaigns/{rec.campaign.external_id}",
        "ad_group": f"customers/{customer}/adGroups/{rec.ad_group.external_id}",
        "status": "PAUSED" if rec.kind == "ad_group_pause" else "ENABLED",
    }


def ad_spec(rec, *, customer: str) -> dict:
    s = rec.structure
    if not rec.campaign.external_id or not rec.ad_group.external_id:
        raise NotOnPlatform(
            f"The ad of ad group ‘{rec.ad_group}’ is not on Google Ads yet; deploy it first."
        )
    return {
        "kind": rec.kind,
        "campaign": f"customers/{customer}/campaigns/{rec.campaign.external_id}",
        "ad_group": f"customers/{customer}/adGroups/{rec.ad_group.external_id}",
        "final_url": s["final_url"],
        "headlines": list(s["headlines"]),
        "descriptions": list(s["descriptions"]),
    }


class GoogleStructure:
    """Reads and writes keyword and ad changes through one Google Ads client."""

    def __init__(self, client):
        self.client = client
        self.lists = SharedNegatives(client)

    # --- what the platform shows ----------------------------------------------------
    def lookup(self, campaign: str) -> dict:
        """The campaign's keywords and ads that are not removed, as the specs name them."""
        where = f"WHERE campaign.resource_name = {gaql_string(campaign)}"
        keywords, ads = {}, []
        groups = {
            row["adGroup"]["resourceName"]: row["adGroup"].get("status")
            for row in self.client.search(
                f"SELECT ad_group.resource_name, ad_group.status FROM ad_group {where}"
            )
        }
        for row in self.client.search(
            "SELECT ad_group_criterion.resource_name, ad_group.resource_name, "
            "ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type, "
            "ad_group_criterion.negative, ad_group_criterion.status "
            f"FROM ad_group_criterion {where}"
        ):
            c = row["adGroupCriterion"]
            if c.get("status") == REMOVED:
                continue
            kw = c.get("keyword") or {}
            key = (row["adGroup"]["resourceName"], kw.get("text", "").lower(), kw.get("matchType"))
            keywords[(*key, bool(c.get("negative")))] = c["resourceName"]
        for row in self.client.search(
            "SELECT campaign_criterion.resource_name, campaign_criterion.keyword.text, "
            "campaign_criterion.keyword.match_type, campaign_criterion.status "
            f"FROM campaign_criterion {where}"
        ):
            c = row["campaignCriterion"]
            kw = c.get("keyword")
            if not kw or c.get("status") == REMOVED:
                continue
            keywords[(None, kw.get("text", "").lower(), kw.get("matchType"), True)] = c[
                "resourceName"
            ]
        for row in self.client.search(
            "SELECT ad_group_ad.resource_name, ad_group.resource_name, ad_group_ad.status, "
            "ad_group_ad.ad.final_urls, ad_group_ad.ad.responsive_search_ad.headlines, "
            f"ad_group_ad.ad.responsive_search_ad.descriptions FROM ad_group_ad {where}"
        ):
            a = row["adGroupAd"]
            if a.get("status") == REMOVED:
                continue
            rsa = (a.get("ad") or {}).get("responsiveSearchAd") or {}
            ads.append(
                {
                    "resource_name": a["resourceName"],
                    "ad_group": row["adGroup"]["resourceName"],
                    "copy": _copy(
                        ((a.get("ad") or {}).get("finalUrls") or [""])[0],
                        [h.get("text") for h in rsa.get("headlines") or []],
                        [d.get("text") for d in rsa.get("descriptions") or []],
                    ),
                }
            )
        return {"keywords": keywords, "ads": ads, "ad_groups": groups}

    def state(self, spec: dict, found: dict) -> str | None:
        """PRESENT or ABSENT: whether the platform shows what `spec` is about (an ad
        group's status: "active" / "paused", None if the platform has no such group)."""
        if "status" in spec:
            return STATUS_WORDS.get(found["ad_groups"].get(spec["ad_group"]))
        if spec["kind"] == "ad_replace":
            mine = [a for a in found["ads"] if a["ad_group"] == spec["ad_group"]]
            wanted = _copy(spec["final_url"], spec["headlines"], spec["descriptions"])
            return PRESENT if len(mine) == 1 and mine[0]["copy"] == wanted else ABSENT
        return PRESENT if _keyword_key(spec) in found["keywords"] else ABSENT

    def read(self, specs: dict) -> dict:
        """{key: PRESENT | ABSENT} for `{key: spec}`, one lookup per campaign."""
        mine = {k: s for k, s in specs.items() if not s.get("list")}
        found = {c: self.lookup(c) for c in {s["campaign"] for s in mine.values()}}
        listed = {k: s for k, s in specs.items() if s.get("list")}
        shown = self.lists.lookup() if listed else None
        return {
            key: self.lists.state(spec, shown)
            if spec.get("list")
            else self.state(spec, found[spec["campaign"]])
            for key, spec in specs.items()
        }

    # --- the operations -------------------------------------------------------------
    def operations(self, spec: dict, found: dict) -> list[tuple[str, dict]]:
        """(service, operation) that take the platform from `found` to `spec`; none if
        it shows that already."""
        kind = spec["kind"]
        if "status" in spec:
            if found["ad_groups"].get(spec["ad_group"]) == spec["status"]:
                return []
            update = {"resourceName": spec["ad_group"], "status": spec["status"]}
            return [("adGroups", {"update": update, "updateMask": "status"})]
        if kind == "ad_replace":
            mine = [a for a in found["ads"] if a["ad_group"] == spec["ad_group"]]
            wanted = _copy(spec["final_url"], spec["headlines"], spec["descriptions"])
            ops = []
            if not any(a["copy"] == wanted for a in mine):
                ops.append(
                    (
                        "adGroupAds",
                        {
                            "create": {
                                "adGroup": spec["ad_group"],
                                "status": "ENABLED",
                                "ad": {
                                    "finalUrls": [spec["final_url"]],
                                    "responsiveSearchAd": {
                                        "headlines": [{"text": t} for t in spec["headlines"]],
                                        "descriptions": [{"text": t} for t in spec["descriptions"]],
                                    },
                                },
                            }
                        },
                    )
                )
            kept = False
            for ad in mine:
                if ad["copy"] == wanted and not kept:
                    kept = True  # the one ad with the copy stays
                    continue
                ops.append(("adGroupAds", {"remove": ad["resource_name"]}))
            return ops
        existing = found["keywords"].get(_keyword_key(spec))
        if kind == "keyword_remove":
            service = "adGroupCriteria" if spec["ad_group"] else "campaignCriteria"
            return [(service, {"remove": existing})] if existing else []
        if existing:
            return []
        keyword = {"text": spec["text"], "matchType": spec["match_type"]}
        if spec["ad_group"]:
            body = {
                "adGroup": spec["ad_group"],
                "status": "ENABLED",
                "negative": spec["negative"],
                "keyword": keyword,
            }
            return [("adGroupCriteria", {"create": body})]
        body = {"campaign": spec["campaign"], "negative": True, "keyword": keyword}
        return [("campaignCriteria", {"create": body})]

    def _send(self, target, ops, *, validate_only: bool) -> OperationResult:
        """One change's operations, a request per service (a replacement's create and
        removes go in one request, all or nothing)."""
        names = []
        for service in dict.fromkeys(s for s, _ in ops):
            batch = [op for s, op in ops if s == service]
            try:
                response = self.client.mutate_operations(
                    service, batch, validate_only=validate_only, partial_failure=False
                )
            except OutcomeUnknown:
                raise
            except PlatformError as exc:
                if exc.status != 400:
                    raise
                reasons = self.client.refusal_messages((exc.body or {}).get("error"))
                return OperationResult(str(target), False, "; ".join(reasons.values()) or str(exc))
            names += [r.get("resourceName", "") for r in response.get("results") or [] if r]
        return OperationResult(str(target), True, resource_name=", ".join(n for n in names if n))

    def apply(
        self, changes, *, partial_failure: bool = True, validate_only: bool = False
    ) -> list[OperationResult]:
        """Write `(target, spec)` changes, each after a fresh look at its campaign.

        A lost answer raises OutcomeUnknown naming that change unknown, the ones not
        sent yet unsent and the results so far completed (like the client's batches):
        the pipeline reads them back before anything is sent again.
        """
        changes = list(changes)
        results: list[OperationResult] = []
        for n, (target, spec) in enumerate(changes):
            try:
                if spec.get("list"):
                    results.append(self.lists.apply(target, spec, validate_only=validate_only))
                    if not results[-1].ok and not partial_failure:
                        break
                    continue
                ops = self.operations(spec, self.lookup(spec["campaign"]))
                if not ops:  # the platform shows it already (an earlier attempt landed)
                    results.append(OperationResult(str(target), True))
                    continue
                results.append(self._send(target, ops, validate_only=validate_only))
            except OutcomeUnknown as exc:
                raise OutcomeUnknown(
                    str(exc),
                    unknown=[target],
                    unsent=[t for t, _ in changes[n + 1 :]],
                    completed=results,
                ) from exc
            if not results[-1].ok and not partial_failure:
                break
        return results

    def simulate(self, target, spec) -> dict:
        """Dry run: the operations the change would send, checked with validateOnly."""
        if spec.get("list"):
            result = self.lists.apply(target, spec, validate_only=True)
            return {"operations": "shared list", "validation": "ok" if result.ok else result.error}
        ops = self.operations(spec, self.lookup(spec["campaign"]))
        if not ops:
            return {"operations": [], "validation": "ok: the platform shows it already"}
        result = self._send(target, ops, validate_only=True)
        return {
            "operations": [{"service": s, **op} for s, op in ops],
            "validation": "ok" if result.ok else result.error,
        }


class SharedNegatives:
    """The account's shared negative-keyword list (SharedSet of type NEGATIVE_KEYWORDS).

    Created once, when the first negative needs it, and found again by its name, so
    creating it is idempotent without a key; a keyword is added to it only if it is not
    there, and the list attached to a campaign only if it is not attached.
    """

    NAME = "Spectra negative keywords"

    def __init__(self, client):
        self.client = client

    def lookup(self) -> dict:
        found: dict = {"set": None, "keywords": {}, "campaigns": set()}
        for row in self.client.search(
            "SELECT shared_set.resource_name, shared_set.name, shared_set.type, "
            f"shared_set.status FROM shared_set WHERE shared_set.name = {gaql_string(self.NAME)}"
        ):
            s = row["sharedSet"]
            if s.get("status") != REMOVED and s.get("type") == "NEGATIVE_KEYWORDS":
                found["set"] = s["resourceName"]
        if found["set"] is None:
            return found
        where = f"WHERE shared_criterion.shared_set = {gaql_string(found['set'])}"
        for row in self.client.search(
            "SELECT shared_criterion.resource_name, shared_criterion.keyword.text, "
            f"shared_criterion.keyword.match_type FROM shared_criterion {where}"
        ):
            c = row["sharedCriterion"]
            kw = c.get("keyword") or {}
            found["keywords"][(kw.get("text", "").lower(), kw.get("matchType"))] = c["resourceName"]
        for row in self.client.search(
            "SELECT campaign_shared_set.campaign, campaign_shared_set.status "
            "FROM campaign_shared_set WHERE campaign_shared_set.shared_set = "
            f"{gaql_string(found['set'])}"
        ):
            link = row["campaignSharedSet"]
            if link.get("status") != REMOVED:
                found["campaigns"].add(link["campaign"])
        return found

    def state(self, spec: dict, found: dict) -> str:
        there = (spec["text"].lower(), spec["match_type"]) in found["keywords"]
        return PRESENT if there and spec["campaign"] in found["campaigns"] else ABSENT

    def _one(self, service, op, target, validate_only) -> OperationResult:
        try:
            response = self.client.mutate_operations(
                service, [op], validate_only=validate_only, partial_failure=False
            )
        except OutcomeUnknown:
            raise
        except PlatformError as exc:
            if exc.status != 400:
                raise
            reasons = self.client.refusal_messages((exc.body or {}).get("error"))
            return OperationResult(str(target), False, "; ".join(reasons.values()) or str(exc))
        names = [r.get("resourceName", "") for r in response.get("results") or [] if r]
        return OperationResult(str(target), True, resource_name=", ".join(names))

    def apply(self, target, spec: dict, *, validate_only: bool = False) -> OperationResult:
        """Take the platform to what `spec` says, one step at a time, each only if needed."""
        found = self.lookup()
        key = (spec["text"].lower(), spec["match_type"])
        if spec["kind"] == "keyword_remove":
            existing = found["keywords"].get(key)
            if not existing:
                return OperationResult(str(target), True)
            return self._one("sharedCriteria", {"remove": existing}, target, validate_only)
        shared = found["set"]
        if shared is None:
            made = self._one(
                "sharedSets",
                {"create": {"name": self.NAME, "type": "NEGATIVE_KEYWORDS"}},
                target,
                validate_only,
            )
            if not made.ok or validate_only:
                return made
            shared = made.resource_name
        result = OperationResult(str(target), True)
        if key not in found["keywords"]:
            keyword = {"text": spec["text"], "matchType": spec["match_type"]}
            create = {"sharedSet": shared, "keyword": keyword}
            result = self._one("sharedCriteria", {"create": create}, target, validate_only)
            if not result.ok:
                return result
        if spec["campaign"] not in found["campaigns"]:
            create = {"campaign": spec["campaign"], "sharedSet": shared}
            result = self._one("campaignSharedSets", {"create": create}, target, validate_only)
        return result


def _copy(final_url, headlines, descriptions) -> tuple:
    return (final_url or "", tuple(headlines), tuple(descriptions))


def _keyword_key(spec: dict) -> tuple:
    return (spec["ad_group"], spec["text"].lower(), spec["match_type"], spec["negative"])


# --- Adobe: a creative's copy is edited in place ------------------------------------
def adobe_creative_request(rec) -> tuple[str, str, dict]:
    """The PATCH that gives the ad's Adobe creative the copy of `rec.structure`."""
    s = rec.structure
    creative = Ad.objects.filter(pk=s["ad"]).values_list("external_id", flat=True).first()
    if not creative:
        raise NotOnPlatform(
            f"The ad of ad group ‘{rec.ad_group}’ is not on Adobe yet; deploy it first."
        )
    body = {
        "headlines": list(s["headlines"]),
        "descriptions": list(s["descriptions"]),
        "finalUrl": s["final_url"],
    }
    return "PATCH", f"creatives/{quote(creative)}", body


def adobe_creative_state(client, rec) -> str:
    """PRESENT once the ad's creative shows the copy of `rec.structure`, else ABSENT."""
    _, path, body = adobe_creative_request(rec)
    creative_id = path.rsplit("/", 1)[1]
    for creative in client.find("creatives", adGroupId=rec.ad_group.external_id):
        if quote(str(creative.get("id"))) == creative_id:
            shown = {k: creative.get(k) for k in body}
            return PRESENT if shown == body else ABSENT
    return ABSENT
