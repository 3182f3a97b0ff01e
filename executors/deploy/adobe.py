"""A launch on Adobe: campaign (paused), ad groups with their keywords, creatives, each
looked up by name first; then the campaign active. Every create carries an
idempotency key derived from the Spectra row, so a retried or resumed create lands
at most once even before the lookup sees it."""

import time
import uuid

from executors.clients.errors import PlatformError
from executors.deploy.common import OUT, Deployment, Transient

NAMESPACE = uuid.UUID("5b0f5d1e-8c0a-4d59-9c1e-3e3f1f6c2a10")


class AdobeDeployment(Deployment):
    @property
    def label(self) -> str:
        return f"spectra-campaign-{self.campaign.pk}"

    def key(self, what: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.campaign.pk}:{what}"))

    def _find(self, kind: str, **filters) -> list[dict]:
        started = time.monotonic()
        items = self.client.find(kind, **filters)
        self.log(
            f"adobe.{kind}.list",
            outcome=OUT.SUCCEEDED,
            request=filters,
            response={"count": len(items)},
            started=started,
        )
        return items

    def _create(self, kind: str, body: dict, what: str) -> dict:
        request = {"method": "POST", "path": kind, "body": body}
        if self.dry_run:
            self.log(
                f"adobe.{kind}.create",
                outcome=OUT.SIMULATED,
                request=request,
                detail="dry run: not sent",
            )
            return {"id": ""}
        started = time.monotonic()
        try:
            result = self.client.create(kind, body, key=self.key(what))
        except PlatformError as exc:  # an unknown outcome too: resent with the same key
            self.call_failed(
                f"adobe.{kind}.create",
                exc,
                request=request,
                started=started,
                refusal=f"Adobe refused {kind}",
            )
        self.log(
            f"adobe.{kind}.create",
            outcome=OUT.SUCCEEDED,
            request=request,
            response=result.response,
            started=started,
        )
        return result.response

    def run(self) -> str:
        campaign = self.plan.campaign
        # Adopted only if Spectra made it (its label): a campaign someone else named the
        # same is not ours, and the platform refuses the duplicate name.
        found = [
            c for c in self._find("campaigns", name=campaign.name) if c.get("label") == self.label
        ]
        if found:
            campaign_id = found[0]["id"]
        else:
            campaign_id = self._create(
                "campaigns",
                {
                    "name": campaign.name,
                    "budget": {
                        "allocated": float(campaign.daily_budget),
                        "currency": self.account.currency,
                    },
                    "status": "paused",
                },
                "campaign",
            )["id"]
        if not self.dry_run:
            self.adopt(campaign, campaign_id, "the campaign")
        groups = (
            {g["name"]: g for g in self._find("adGroups", campaignId=campaign_id)}
            if campaign_id
            else {}
        )
        negatives = [{"text": k.text, "matchType": k.match_type} for k in self.plan.negatives]
        for group in self.plan.groups:
            if group.row.name in groups:
                group_id = groups[group.row.name]["id"]
            else:
                group_id = self._create(
                    "adGroups",
                    {
                        "name": group.row.name,
                        "campaignId": campaign_id,
                        "averageBid": float(group.row.bid),
                        "keywords": [
                            {"text": k.text, "matchType": k.match_type}
                            for k in group.keywords
                            if not k.negative
                        ],
                        "negativeKeywords": negatives
                        + [
                            {"text": k.text, "matchType": k.match_type}
                            for k in group.keywords
                            if k.negative
                        ],
                        "status": "active",
                    },
                    f"ad group {group.row.pk}",
                )["id"]
            if self.dry_run:
                continue
            self.adopt(group.row, group_id, f"ad group {group.row.name}")
            for n, keyword in enumerate(group.keywords):
                self.adopt(keyword, f"{group_id}~{n}", f"keyword {keyword.text}")
            if group.ad is None:
                continue
            creatives = self._find("creatives", adGroupId=group_id)
            creative_id = (
                creatives[0]["id"]
                if creatives
                else self._create(
                    "creatives",
                    {
                        "adGroupId": group_id,
                        "headlines": group.headlines,
                        "descriptions": group.descriptions,
                        "finalUrl": group.ad.final_url,
                    },
                    f"ad {group.ad.pk}",
                )["id"]
            )
            self.adopt(group.ad, creative_id, f"the ad of {group.row.name}")
        if self.dry_run:
            return "simulated"
        for keyword in self.plan.negatives:
            self.adopt(keyword, f"{campaign_id}~-{keyword.pk}", f"negative {keyword.text}")
        if (found[0]["status"] if found else "paused") != "active":
            self._enable(campaign_id)
        shown = self._find("campaigns", name=campaign.name)
        if not shown or shown[0].get("status") != "active":
            raise Transient("The campaign is not shown active yet.", trouble=False)
        return "active"

    def _enable(self, campaign_id: str) -> None:
        request = self.client.status_request(campaign_id, True)
        started = time.monotonic()
        try:
            result = self.client.send(request, key=self.key("enable"))
        except PlatformError as exc:
            self.log(
                "adobe.campaign.enable",
                outcome=OUT.RETRYING,
                request={"path": request[1]},
                detail=exc,
                started=started,
            )
            raise Transient(str(exc)) from exc
        self.log(
            "adobe.campaign.enable",
            outcome=OUT.SUCCEEDED,
            request=result.request,
            response=result.response,
            started=started,
        )
