"""How a change becomes a platform write, per platform, behind one interface.

A writer knows, for each kind of change (campaigns.change_kinds), the platform's
request, how to read the current values of many changes at once (to refuse a
change whose basis moved, and to reconcile one whose answer was lost), how to
dry-run a request, and which sender carries its writes (executors.senders).
The pipeline (executors.pipeline) is the only caller.

    prepare(rec) -> PreparedWrite         UnsupportedChange if the platform has none
    simulate(prepared) -> dict            the dry run's record of the request
    read(recs) -> {rec.pk: value}         the platform's values now, in the recs' terms
    read_requests(recs) -> int            how many calls that read costs (rate limit)
    sender(capacity=…, …)                 a context manager: submit(items) -> futures
    chunk                                 changes claimed and sent together
"""

from dataclasses import dataclass
from decimal import Decimal

from campaigns.change_kinds import kind_of
from campaigns.models import AdAccount, AdGroup, Platform, Recommendation, RecommendationKind
from executors.clients.factory import client_for
from executors.senders import GoogleSender, PacedSender
from executors.structure import CALL as STRUCTURE_CALL
from executors.structure import (
    GoogleStructure,
    NotOnPlatform,
    ad_group_spec,
    ad_spec,
    adobe_creative_request,
    adobe_creative_state,
    keyword_spec,
)

K = RecommendationKind


@dataclass(frozen=True)
class PreparedWrite:
    action: str  # e.g. "adobe.campaign_budget"
    request: tuple  # what the client sends; also what a dry run keeps
    target: str  # the platform's id of the object written

    def describe(self) -> dict:
        method, path, body = self.request
        return {"method": method, "path": path, "body": body}


class UnsupportedChange(ValueError):
    """The platform has no such change (e.g. audiences on Google Ads)."""


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class AdobeWriter:
    """Adobe: one call per change, each with its idempotency key (Adobe deduplicates)."""

    platform = Platform.ADOBE
    chunk = 250  # ~1.3 s of writes at 190 a second: recording one hides behind the next
    LISTING_FROM = 4  # from this many budgets, one campaign listing beats a GET each

    def __init__(self, account: AdAccount, client=None):
        self.account = account
        self.client = client or client_for(account)

    def prepare(self, rec: Recommendation) -> PreparedWrite:
        if rec.kind == K.AD_REPLACE:
            try:
                request = adobe_creative_request(rec)
            except NotOnPlatform as exc:
                raise UnsupportedChange(str(exc)) from exc
            return PreparedWrite("adobe.creative_update", request, request[1].rsplit("/", 1)[1])
        if kind_of(rec).structure:
            raise UnsupportedChange(
                "Spectra does not add or remove keywords of Adobe ad groups, nor pause or "
                "resume them; make this change in Adobe Advertising."
            )
        c, currency, ext = self.client, self.account.currency, kind_of(rec).external_id(rec)
        request, action = {
            K.BUDGET: (
                lambda: c.budget_request(ext, rec.proposed_value, currency),
                "campaign_budget",
            ),
            K.BID: (lambda: c.bid_request(ext, rec.proposed_value, currency), "ad_group_bid"),
            K.AUDIENCE_ACTIVATE: (lambda: c.segment_request(ext, True), "segment_activate"),
            K.AUDIENCE_SUPPRESS: (lambda: c.segment_request(ext, False), "segment_suppress"),
            K.PAUSE: (lambda: c.status_request(ext, False), "campaign_pause"),
            K.RESUME: (lambda: c.status_request(ext, True), "campaign_resume"),
        }[rec.kind]
        return PreparedWrite(f"adobe.{action}", request(), ext)

    def simulate(self, prepared: PreparedWrite) -> dict:
        """Dry run: Adobe has no validate-only mode, so nothing is sent at all."""
        return prepared.describe()

    def _budgets_listed(self, recs) -> bool:
        return sum(r.kind == K.BUDGET for r in recs) >= self.LISTING_FROM

    def read_requests(self, recs) -> int:
        listed = self._budgets_listed(recs)
        return max(1, (1 if listed else 0) + sum(not (listed and r.kind == K.BUDGET) for r in recs))

    def read(self, recs) -> dict[int, Decimal | str | None]:
        values = {}
        listed = {}
        if self._budgets_listed(recs):
            wanted = {r.campaign.external_id for r in recs if r.kind == K.BUDGET}
            listed = {
                str(c["external_id"]): _decimal(c["daily_budget"])
                for c in self.client.campaigns()
                if str(c["external_id"]) in wanted
            }
        for rec in recs:
            ext = kind_of(rec).external_id(rec)
            if rec.kind == K.BUDGET:
                value = listed.get(ext) if listed else self.client.campaign(ext)["daily_budget"]
                values[rec.pk] = _decimal(value)
            elif rec.kind == K.BID:
                values[rec.pk] = _decimal(self.client.ad_group(ext)["bid"])
            elif rec.kind == K.AD_REPLACE:
                values[rec.pk] = adobe_creative_state(self.client, rec)
            elif kind_of(rec).target == "audience":
                values[rec.pk] = self.client.audience(ext)["status"]
            else:
                values[rec.pk] = self.client.campaign(ext)["status"]
        return values

    def send(self, prepared: PreparedWrite, *, key: str):
        return self.client.send(prepared.request, key=key)

    def sender(self, *, capacity, concurrency: int, attempts: int, wait_s: float):
        return PacedSender(
            self, capacity=capacity, concurrency=concurrency, attempts=attempts, wait_s=wait_s
        )


class GoogleAdsWriter:
    """Google Ads: batched mutates without an idempotency key, `validate_only` dry runs.

    Google cannot deduplicate a resent mutate, so an unknown outcome is resolved by
    reading the values back (the pipeline does that before anything is sent again).
    """

    platform = Platform.GOOGLE_ADS
    chunk = 10_000  # operations per mutate request
    CALLS = {
        K.BUDGET: "set_campaign_budgets",
        K.BID: "set_ad_group_bids",
        K.PAUSE: "set_campaign_statuses",
        K.RESUME: "set_campaign_statuses",
    }

    def __init__(self, account: AdAccount, client=None):
        self.account = account
        self.client = client or client_for(account)
        self.structure = GoogleStructure(self.client)

    def _structure_spec(self, rec: Recommendation) -> dict:
        customer = self.client.customer_id
        if rec.kind == K.AD_REPLACE:
            return ad_spec(rec, customer=customer)
        if kind_of(rec).target == "ad_group":
            return ad_group_spec(rec, customer=customer)
        group = rec.structure.get("ad_group")
        external = (
            AdGroup.objects.filter(pk=group).values_list("external_id", flat=True).first()
            if group
            else None
        )
        return keyword_spec(rec, customer=customer, ad_group_external_id=external)

    def _prepare_structure(self, rec: Recommendation) -> PreparedWrite:
        try:
            spec = self._structure_spec(rec)
        except NotOnPlatform as exc:
            raise UnsupportedChange(str(exc)) from exc
        target = f"{spec['ad_group'] or spec['campaign']}#{rec.pk}"
        body = {"operation": STRUCTURE_CALL, "changes": [[target, spec]], "partialFailure": False}
        return PreparedWrite(f"google_ads.{rec.kind}", ("POST", STRUCTURE_CALL, body), target)

    def mutate_call(self, call: str):
        """The batched call a sender makes for `call` (see change_of)."""
        if call == STRUCTURE_CALL:
            return self.structure.apply
        return getattr(self.client, call)

    def prepare(self, rec: Recommendation) -> PreparedWrite:
        if kind_of(rec).structure:
            return self._prepare_structure(rec)
        if rec.kind not in self.CALLS:
            raise UnsupportedChange(
                "Google Ads has no audience segments to activate or suppress; audiences "
                "are Adobe RT-CDP segments."
            )
        change = kind_of(rec)
        target, value = change.external_id(rec), change.expected_after(rec)
        call = self.CALLS[rec.kind]
        body = {"operation": call, "changes": [[target, str(value)]], "partialFailure": False}
        return PreparedWrite(
            f"google_ads.{call.removeprefix('set_')}", ("POST", call, body), target
        )

    @staticmethod
    def change_of(prepared: PreparedWrite) -> tuple[str, str, Decimal | str]:
        """(client call, target, value) of a prepared write."""
        _, call, body = prepared.request
        target, value = body["changes"][0]
        if call in ("set_campaign_statuses", STRUCTURE_CALL):
            return call, target, value
        return call, target, Decimal(value)

    def simulate(self, prepared: PreparedWrite) -> dict:
        """Dry run: the real request with validateOnly, which checks it and changes nothing."""
        call, target, value = self.change_of(prepared)
        if call == STRUCTURE_CALL:
            return (
                prepared.describe()
                | {"validateOnly": True}
                | self.structure.simulate(target, value)
            )
        [result] = getattr(self.client, call)(
            [(target, value)], validate_only=True, partial_failure=False
        )
        return prepared.describe() | {
            "validateOnly": True,
            "validation": "ok" if result.ok else result.error,
        }

    READS = {
        K.BUDGET: ("current_budgets", _decimal),
        K.BID: ("current_bids", _decimal),
        K.PAUSE: ("current_statuses", str),
        K.RESUME: ("current_statuses", str),
    }

    def read_requests(self, recs) -> int:
        # A structure change's lookup is four queries per campaign.
        campaigns = {r.campaign_id for r in recs if kind_of(r).structure}
        values = {self.READS[r.kind][0] for r in recs if r.kind in self.READS}
        return max(1, len(values) + 4 * len(campaigns))

    def read(self, recs) -> dict[int, Decimal | str | None]:
        """One query per kind of value, whatever the number of changes (a structure
        change: one lookup of its campaign's keywords and ads)."""
        structure = [r for r in recs if kind_of(r).structure]
        values = self.structure.read({r.pk: self._structure_spec(r) for r in structure})
        by_call: dict[str, list] = {}
        for rec in recs:
            if kind_of(rec).structure:
                continue
            by_call.setdefault(self.READS[rec.kind][0], []).append(rec)
        for call, group in by_call.items():
            found = getattr(self.client, call)([kind_of(r).external_id(r) for r in group])
            for rec in group:
                value = found.get(kind_of(rec).external_id(rec))
                values[rec.pk] = None if value is None else self.READS[rec.kind][1](value)
        return values

    def sender(self, *, capacity, concurrency: int, attempts: int, wait_s: float):
        return GoogleSender(self, capacity=capacity, attempts=attempts, wait_s=wait_s)


def writer_for(account: AdAccount, client=None):
    if account.platform == Platform.ADOBE:
        return AdobeWriter(account, client)
    if account.platform == Platform.GOOGLE_ADS:
        return GoogleAdsWriter(account, client)
    raise NotImplementedError(f"No writer for platform {account.platform!r}.")
