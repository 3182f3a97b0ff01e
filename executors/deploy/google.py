"""A launch on Google Ads: validateOnly of the whole plan, then budget, campaign
(PAUSED), ad groups, keywords, negatives and responsive search ads, each looked up by
the name Spectra gave it first and adopted if it exists; the campaign ENABLED last.

Google has no idempotency key: a create whose answer is lost (OutcomeUnknown) is
settled by the same lookup, never by sending it again blind.
"""

import time

from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.deploy.common import OUT, Deployment, Refused, Transient


def gaql_string(text: str) -> str:
    """A GAQL string literal (backslash-escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tail(resource_name: str) -> str:
    """The id part of a resource name: '123' or, for criteria and ads, '45~678'."""
    return resource_name.rsplit("/", 1)[1]


class GoogleDeployment(Deployment):
    # --- what exists -----------------------------------------------------------------
    def _search(self, query: str) -> list[dict]:
        started = time.monotonic()
        rows = list(self.client.search(query))
        self.log(
            "google.search",
            outcome=OUT.SUCCEEDED,
            request={"query": query},
            response={"rows": len(rows)},
            started=started,
        )
        return rows

    def existing(self) -> dict:
        """What the platform already has of this launch, by the names Spectra gave it."""
        found = {
            "budget": None,
            "campaign": None,
            "status": None,
            "groups": {},
            "keywords": set(),
            "negatives": set(),
            "ads": set(),
        }
        name = gaql_string(self.plan.campaign.name)
        for row in self._search(
            "SELECT campaign.resource_name, campaign.status, campaign.campaign_budget, "
            f"campaign_budget.name FROM campaign WHERE campaign.name = {name}"
        ):
            # Adopted only if Spectra made it (its budget bears Spectra's name): a campaign
            # someone else named the same is not ours, and Google refuses the duplicate.
            if (row.get("campaignBudget") or {}).get("name") != self.plan.budget_name:
                continue
            found["campaign"] = row["campaign"]["resourceName"]
            found["status"] = row["campaign"].get("status")
            found["budget"] = row["campaign"].get("campaignBudget")
        if found["budget"] is None:
            for row in self._search(
                "SELECT campaign_budget.resource_name FROM campaign_budget "
                f"WHERE campaign_budget.name = {gaql_string(self.plan.budget_name)}"
            ):
                found["budget"] = row["campaignBudget"]["resourceName"]
        if found["campaign"] is None:
            return found
        where = f"WHERE campaign.resource_name = {gaql_string(found['campaign'])}"
        for row in self._search(
            f"SELECT ad_group.resource_name, ad_group.name FROM ad_group {where}"
        ):
            found["groups"][row["adGroup"]["name"]] = row["adGroup"]["resourceName"]
        for row in self._search(
            "SELECT ad_group_criterion.resource_name, ad_group.resource_name, "
            "ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type, "
            f"ad_group_criterion.negative FROM ad_group_criterion {where}"
        ):
            c = row["adGroupCriterion"]
            key = (
                row["adGroup"]["resourceName"],
                c["keyword"]["text"],
                c["keyword"]["matchType"],
                bool(c.get("negative")),
            )
            found["keywords"].add((*key, c["resourceName"]))
        for row in self._search(
            "SELECT campaign_criterion.resource_name, campaign_criterion.keyword.text, "
            f"campaign_criterion.keyword.match_type FROM campaign_criterion {where}"
        ):
            c = row["campaignCriterion"]
            kw = c.get("keyword") or {}
            found["negatives"].add((kw.get("text"), kw.get("matchType"), c["resourceName"]))
        for row in self._search(
            f"SELECT ad_group_ad.resource_name, ad_group.resource_name FROM ad_group_ad {where}"
        ):
            found["ads"].add((row["adGroup"]["resourceName"], row["adGroupAd"]["resourceName"]))
        return found

    # --- the operations of what is missing ---------------------------------------------
    def missing(self, found: dict) -> list[tuple[str, dict, object]]:
        """(service, create body, Spectra row) of every object not on the platform yet, in
        creation order; parents not created yet are named by temporary (negative) ids."""
        customer = self.client.customer_id
        campaign = self.plan.campaign
        ops: list[tuple[str, dict, object]] = []
        budget = found["budget"] or f"customers/{customer}/campaignBudgets/-1"
        if found["budget"] is None:
            ops.append(
                (
                    "campaignBudgets",
                    {
                        "resourceName": budget,
                        "name": self.plan.budget_name,
                        "amountMicros": str(int(campaign.daily_budget * 1_000_000)),
                        "deliveryMethod": "STANDARD",
                        "explicitlyShared": False,
                    },
                    None,
                )
            )
        campaign_name = found["campaign"] or f"customers/{customer}/campaigns/-2"
        if found["campaign"] is None:
            bidding = (
                {"maximizeConversionValue": {"targetRoas": float(campaign.target_roas)}}
                if campaign.target_roas
                else {
                    "maximizeConversions": {
                        "targetCpaMicros": str(int(campaign.target_cpa * 1_000_000))
                    }
                }
                if campaign.target_cpa
                else {"manualCpc": {"enhancedCpcEnabled": False}}
            )
            ops.append(
                (
                    "campaigns",
                    {
                        "resourceName": campaign_name,
                        "name": campaign.name,
                        "status": "PAUSED",  # enabled last, once everything exists
                        "advertisingChannelType": "SEARCH",
                        "campaignBudget": budget,
                        "networkSettings": {
                            "targetGoogleSearch": True,
                            "targetSearchNetwork": True,
                            "targetContentNetwork": False,
                        },
                        **bidding,
                    },
                    campaign,
                )
            )
        keywords = {(k[0], k[1], k[2], k[3]) for k in found["keywords"]}
        ads = {a[0] for a in found["ads"]}
        for n, group in enumerate(self.plan.groups, start=3):
            group_name = (
                found["groups"].get(group.row.name) or f"customers/{customer}/adGroups/-{n}"
            )
            if group.row.name not in found["groups"]:
                body = {
                    "resourceName": group_name,
                    "name": group.row.name,
                    "campaign": campaign_name,
                    "status": "ENABLED",
                }
                if group.row.bid:
                    body["cpcBidMicros"] = str(int(group.row.bid * 1_000_000))
                ops.append(("adGroups", body, group.row))
            for keyword in group.keywords:
                match = keyword.match_type.upper()
                if (group_name, keyword.text, match, keyword.negative) in keywords:
                    continue
                ops.append(
                    (
                        "adGroupCriteria",
                        {
                            "adGroup": group_name,
                            "status": "ENABLED",
                            "negative": keyword.negative,
                            "keyword": {"text": keyword.text, "matchType": match},
                        },
                        keyword,
                    )
                )
            if group.ad is not None and group_name not in ads:
                ops.append(
                    (
                        "adGroupAds",
                        {
                            "adGroup": group_name,
                            "status": "ENABLED",
                            "ad": {
                                "finalUrls": [group.ad.final_url],
                                "responsiveSearchAd": {
                                    "headlines": [{"text": t} for t in group.headlines],
                                    "descriptions": [{"text": t} for t in group.descriptions],
                                },
                            },
                        },
                        group.ad,
                    )
                )
        negatives = {(k[0], k[1]) for k in found["negatives"]}
        for keyword in self.plan.negatives:
            match = keyword.match_type.upper()
            if (keyword.text, match) in negatives:
                continue
            ops.append(
                (
                    "campaignCriteria",
                    {
                        "campaign": campaign_name,
                        "negative": True,
                        "keyword": {"text": keyword.text, "matchType": match},
                    },
                    keyword,
                )
            )
        return ops

    # --- sending -----------------------------------------------------------------------
    def validate(self, ops) -> None:
        """validateOnly of the whole plan in one googleAds:mutate: nothing is created."""
        key = {
            "campaignBudgets": "campaignBudgetOperation",
            "campaigns": "campaignOperation",
            "adGroups": "adGroupOperation",
            "adGroupCriteria": "adGroupCriterionOperation",
            "campaignCriteria": "campaignCriterionOperation",
            "adGroupAds": "adGroupAdOperation",
        }
        operations = [{key[service]: {"create": body}} for service, body, _ in ops]
        request = {"mutateOperations": operations, "validateOnly": True}
        started = time.monotonic()
        try:
            response = self.client.mutate_operations(
                "googleAds", operations, validate_only=True, partial_failure=False
            )
        except PlatformError as exc:
            # validateOnly changes nothing: anything but the 400 that names what is wrong
            # (an unknown outcome included) is safe to try again later.
            if exc.status != 400 or isinstance(exc, OutcomeUnknown):
                self.log(
                    "google.validate",
                    outcome=OUT.RETRYING,
                    request=request,
                    detail=exc,
                    started=started,
                )
                raise Transient(str(exc)) from exc
            reasons = self.client.refusal_messages((exc.body or {}).get("error"))
            reason = "; ".join(reasons.values()) or str(exc)
            self.log(
                "google.validate",
                outcome=OUT.FAILED,
                request=request,
                response=exc.body,
                detail=reason,
                started=started,
            )
            raise Refused(f"Google Ads refused the launch: {reason}") from exc
        outcome = OUT.SIMULATED if self.dry_run else OUT.SUCCEEDED
        self.log(
            "google.validate", outcome=outcome, request=request, response=response, started=started
        )

    def create(self, ops) -> None:
        """Send the creates service by service, storing each id as soon as it is confirmed."""
        temporary: dict[str, str] = {}
        services = list(dict.fromkeys(service for service, _, _ in ops))
        for service in services:
            batch = [(body, row) for s, body, row in ops if s == service]
            bodies = []
            for body, _ in batch:
                body = {
                    k: temporary.get(v, v) if isinstance(v, str) else v
                    for k, v in body.items()
                    if k != "resourceName"
                }
                bodies.append(body)
            request = {"service": service, "operations": [{"create": b} for b in bodies]}
            started = time.monotonic()
            try:
                response = self.client.mutate_operations(
                    service, [{"create": b} for b in bodies], partial_failure=True
                )
            except OutcomeUnknown as exc:
                # Perhaps applied: the next attempt's lookup adopts what landed.
                self.log(
                    f"google.{service}.create",
                    outcome=OUT.RETRYING,
                    request=request,
                    detail=f"outcome unknown, settled by lookup: {exc}",
                    started=started,
                )
                raise Transient(str(exc)) from exc
            except PlatformError as exc:
                self.call_failed(
                    f"google.{service}.create",
                    exc,
                    request=request,
                    started=started,
                    refusal=f"Google Ads refused {service}",
                )
            refused = self.client.refusal_messages(response.get("partialFailureError"))
            results = response.get("results") or []
            for (body, row), result in zip(batch, results, strict=False):
                name = (result or {}).get("resourceName")
                if not name:
                    continue
                if "resourceName" in body:
                    temporary[body["resourceName"]] = name
                if row is not None:
                    self.adopt(row, _tail(name), service)
            self.log(
                f"google.{service}.create",
                outcome=OUT.FAILED if refused else OUT.SUCCEEDED,
                request=request,
                response=response,
                detail="; ".join(refused.values()),
                started=started,
            )
            if refused:
                raise Refused(f"Google Ads refused {service}: " + "; ".join(refused.values()))

    def adopt_found(self, found: dict) -> None:
        """Store the ids of what already exists (a resumed or settled deployment)."""
        if found["campaign"]:
            self.adopt(self.plan.campaign, _tail(found["campaign"]), "the campaign")
        keywords = {(k[0], k[1], k[2], k[3]): k[4] for k in found["keywords"]}
        ads = dict(found["ads"])
        for group in self.plan.groups:
            name = found["groups"].get(group.row.name)
            if name is None:
                continue
            self.adopt(group.row, _tail(name), f"ad group {group.row.name}")
            for keyword in group.keywords:
                hit = keywords.get(
                    (name, keyword.text, keyword.match_type.upper(), keyword.negative)
                )
                if hit:
                    self.adopt(keyword, _tail(hit), f"keyword {keyword.text}")
            if group.ad is not None and name in ads:
                self.adopt(group.ad, _tail(ads[name]), f"the ad of {group.row.name}")
        negatives = {(k[0], k[1]): k[2] for k in found["negatives"]}
        for keyword in self.plan.negatives:
            hit = negatives.get((keyword.text, keyword.match_type.upper()))
            if hit:
                self.adopt(keyword, _tail(hit), f"negative {keyword.text}")

    def enable(self, campaign_name: str) -> bool:
        """The campaign ENABLED, and read back: True once the platform shows it enabled."""
        operations = [
            {"update": {"resourceName": campaign_name, "status": "ENABLED"}, "updateMask": "status"}
        ]
        started = time.monotonic()
        try:
            response = self.client.mutate_operations("campaigns", operations, partial_failure=False)
        except OutcomeUnknown as exc:
            self.log(
                "google.campaigns.enable",
                outcome=OUT.RETRYING,
                request={"operations": operations},
                detail=f"outcome unknown, read back: {exc}",
                started=started,
            )
        else:
            self.log(
                "google.campaigns.enable",
                outcome=OUT.SUCCEEDED,
                request={"operations": operations},
                response=response,
                started=started,
            )
        return self.existing()["status"] == "ENABLED"

    def run(self) -> str:
        found = self.existing()
        ops = self.missing(found)
        if ops:
            self.validate(ops)
        if self.dry_run:
            return "simulated"
        self.adopt_found(found)
        if ops:
            self.create(ops)
            found = self.existing()
            self.adopt_found(found)
        if found["campaign"] is None:
            raise Transient("The campaign is not visible on the platform yet.", trouble=False)
        if found["status"] != "ENABLED" and not self.enable(found["campaign"]):
            raise Transient("The campaign is not shown ENABLED yet.", trouble=False)
        return "active"
