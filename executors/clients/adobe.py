"""Adobe Advertising / Experience Platform client over `requests`.

Authentication is OAuth server-to-server: a token from IMS
(`/ims/token/v3`, client credentials), cached until shortly before expiry
and shared by every client of the same credentials in the process. Each
call carries the headers Adobe requires: Authorization, x-api-key,
x-gw-ims-org-id and x-sandbox-name.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit

import requests

from campaigns.urlpolicy import Purpose, guarded_session
from executors.clients.errors import MalformedResponse, PlatformAuthError
from executors.clients.http import NO_RETRY, RetryPolicy, call
from executors.clients.records import (
    AdGroupRecord,
    AudienceRecord,
    CampaignRecord,
    MetricRecord,
)
from executors.clients.tokens import cached_token, forget_cached_tokens, forget_token

PLATFORM = "Adobe"
REAL_IMS_URL = "https://ims-na1.adobelogin.com/ims/token/v3"
DEFAULT_SCOPE = "openid,AdobeID,read_organizations,additional_info.projectedProductContext"
PAGE_SIZE = 5000

DEFAULT_DESTINATIONS = ("google-ads", "meta-ads")

__all__ = ["AdobeClient", "WriteResult", "forget_cached_tokens"]


@dataclass(frozen=True)
class WriteResult:
    request: dict  # method, path, body (no headers: they hold the token)
    response: dict
    latency_ms: int


class AdobeClient:
    def __init__(
        self,
        *,
        base_url: str,
        credentials: dict[str, str],
        timeout: float = 30.0,
        read_retry: RetryPolicy | None = None,
        write_retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ):
        missing = [
            k for k in ("client_id", "client_secret", "ims_org_id") if not credentials.get(k)
        ]
        if missing:
            raise PlatformAuthError(
                f"Adobe credentials are incomplete: missing {', '.join(missing)}."
            )
        self.base_url = base_url.rstrip("/") + "/"
        self.client_id = credentials["client_id"]
        self._client_secret = credentials["client_secret"]
        self.ims_org_id = credentials["ims_org_id"]
        self.sandbox_name = credentials.get("sandbox_name") or "prod"
        self.scope = credentials.get("scope") or DEFAULT_SCOPE
        # Never from the credentials: whoever could set it would receive the secret.
        # The sandbox serves its own IMS on its base URL.
        self.ims_url = (
            REAL_IMS_URL if "adobe.io" in self.base_url else urljoin(self.base_url, "ims/token/v3")
        )
        self.timeout = timeout
        self.read_retry = read_retry or RetryPolicy()
        # Writes are retried by the executor, which logs every attempt.
        self.write_retry = write_retry or NO_RETRY
        self.session = session or guarded_session(Purpose.ADOBE_API, Purpose.TOKEN)

    def __repr__(self) -> str:  # never show the secret
        return f"AdobeClient(base_url={self.base_url!r}, client_id={self.client_id!r})"

    # --- auth ---------------------------------------------------------------
    @property
    def _token_form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "scope": self.scope,
        }

    def access_token(self) -> str:
        """A bearer token of these very credentials (cached per process, see tokens)."""
        return cached_token(self.ims_url, self._token_form, self._fetch_token)

    def _fetch_token(self) -> tuple[str, float]:
        body = call(
            self.session,
            "POST",
            self.ims_url,
            timeout=self.timeout,
            platform="Adobe IMS",
            retry=self.read_retry,
            data=self._token_form,
        )
        token = body.get("access_token") if isinstance(body, dict) else None
        expires_in = body.get("expires_in") if isinstance(body, dict) else None
        if not token or not isinstance(expires_in, int | float):
            raise MalformedResponse("Adobe IMS answered without access_token/expires_in.")
        return token, float(expires_in)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.access_token()}",
            "x-api-key": self.client_id,
            "x-gw-ims-org-id": self.ims_org_id,
            "x-sandbox-name": self.sandbox_name,
            "Accept": "application/json",
        }

    def _request(self, method: str, path: str, *, retry: RetryPolicy, **kwargs):
        url = urljoin(self.base_url, path.lstrip("/"))
        extra_headers = kwargs.pop("headers", {})
        headers = self._headers() | extra_headers  # an IMS refusal propagates from here
        try:
            return self._call(method, url, retry=retry, headers=headers, **kwargs)
        except PlatformAuthError as exc:
            # A 403 (wrong org, sandbox or api key) is not cured by a new token.
            if exc.status != 401:
                raise
            # The token may have been revoked or expired early: one fresh try.
            headers = self._headers() | extra_headers
            return self._call(method, url, retry=NO_RETRY, headers=headers, **kwargs)

    def _call(self, method: str, url: str, *, retry: RetryPolicy, **kwargs):
        try:
            return call(
                self.session,
                method,
                url,
                timeout=self.timeout,
                platform=PLATFORM,
                retry=retry,
                **kwargs,
            )
        except PlatformAuthError:
            forget_token(self.ims_url, self._token_form)  # refused: never handed out again
            raise

    def _pages(self, path: str, key: str, params: dict | None = None) -> Iterator[dict]:
        params = {"start": 0, "limit": PAGE_SIZE, **(params or {})}
        next_path: str | None = path
        while next_path:
            body = self._request("GET", next_path, retry=self.read_retry, params=params)
            items = body.get(key) if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise MalformedResponse(f"Adobe {path} answered without a '{key}' list.")
            yield from items
            links = body.get("_links") or {}
            link = (links.get("next") if isinstance(links, dict) else None) or {}
            href = link.get("href") if isinstance(link, dict) else link
            next_path, params = (self._own_path(href) if href else None), None

    def _own_path(self, href) -> str:
        """The path below base_url of a next-page link, or MalformedResponse.

        The next request carries the bearer token and the api key, so a link is
        followed only on the account's own base URL (same scheme, host and port,
        under its path). A path from the root ("/campaigns?start=…") is read
        relative to base_url, as the platform's own gateway prefix may be.
        """
        refused = MalformedResponse(
            f"Adobe sent a next-page link outside the account's base URL "
            f"{self.base_url}: {str(href)[:200]!r}; it was not followed.",
            retryable=False,
        )
        if not isinstance(href, str) or any(c in href for c in "\\ \t\r\n\x00"):
            raise refused
        absolute = bool(urlsplit(href).scheme) or href.startswith("//")
        target = urlsplit(urljoin(self.base_url, href if absolute else href.lstrip("/")))
        base = urlsplit(self.base_url)
        try:
            same_origin = (
                (target.scheme, target.hostname, _port(target))
                == (base.scheme, base.hostname, _port(base))
                and target.username is None
                and target.password is None
            )
        except ValueError:  # a port that is not a number
            raise refused from None
        segments = unquote(target.path).split("/")
        if not same_origin or not target.path.startswith(base.path) or ".." in segments:
            raise refused
        path = target.path[len(base.path) :]
        return f"{path}?{target.query}" if target.query else path

    # --- reads ----------------------------------------------------------------
    def campaigns(self) -> Iterator[CampaignRecord]:
        for raw in self._pages("campaigns", "campaigns"):
            yield _campaign_record(raw)

    def ad_groups(self) -> Iterator[AdGroupRecord]:
        for raw in self._pages("adGroups", "adGroups"):
            yield _ad_group_record(raw)

    def audiences(self) -> Iterator[AudienceRecord]:
        for raw in self._pages("data/core/ups/segment/definitions", "segments"):
            yield _audience_record(raw)

    def performance(
        self, date_from: date, date_to: date, *, include_today: bool = False
    ) -> Iterator[MetricRecord]:
        """Daily rows; with include_today, today's spend so far as well (spend limits)."""
        params = {"startDate": date_from.isoformat(), "endDate": date_to.isoformat()}
        if include_today:
            params["includeToday"] = "true"
        for raw in self._pages("reports/performance", "rows", params):
            fields = _object(raw)
            yield MetricRecord(
                date=fields.get("date"),
                ad_group_external_id=fields.get("adGroupId"),
                campaign_external_id=fields.get("campaignId"),
                impressions=fields.get("impressions"),
                clicks=fields.get("clicks"),
                conversions=fields.get("conversions"),
                conversion_value=fields.get("conversionValue"),
                spend=fields.get("spend"),
                raw=raw,
            )

    # --- single reads (reconciliation) ------------------------------------------
    def campaign(self, external_id: str) -> CampaignRecord:
        return _campaign_record(
            self._request("GET", f"campaigns/{quote(external_id)}", retry=self.read_retry)
        )

    def ad_group(self, external_id: str) -> AdGroupRecord:
        return _ad_group_record(
            self._request("GET", f"adGroups/{quote(external_id)}", retry=self.read_retry)
        )

    def audience(self, external_id: str) -> AudienceRecord:
        path = f"data/core/ups/segment/definitions/{quote(external_id)}"
        return _audience_record(self._request("GET", path, retry=self.read_retry))

    # --- writes (the seed's three calls); every one carries the idempotency key -----
    # Adobe deduplicates by key, so retrying a write whose outcome is unknown
    # (timeout, reset) with the same key is safe: it is applied at most once.

    def _write(self, method: str, path: str, body: dict, key: str) -> WriteResult:
        started = time.monotonic()
        response = self._request(
            method, path, retry=self.write_retry, json=body, headers={"Idempotency-Key": key}
        )
        return WriteResult(
            request={"method": method, "path": path, "body": body},
            response=response,
            latency_ms=int((time.monotonic() - started) * 1000),
        )

    @staticmethod
    def budget_request(external_id: str, amount: Decimal, currency: str) -> tuple[str, str, dict]:
        return (
            "PATCH",
            f"campaign/{quote(external_id)}",
            {"budget": {"allocated": float(amount), "currency": currency}},
        )

    @staticmethod
    def status_request(external_id: str, active: bool) -> tuple[str, str, dict]:
        return (
            "PATCH",
            f"campaign/{quote(external_id)}",
            {"status": "active" if active else "paused"},
        )

    @staticmethod
    def bid_request(external_id: str, bid: Decimal, currency: str) -> tuple[str, str, dict]:
        return (
            "PATCH",
            f"adGroups/{quote(external_id)}/bidding",
            {"averageBid": float(bid), "currency": currency},
        )

    @staticmethod
    def segment_request(external_id: str, activate: bool) -> tuple[str, str, dict]:
        body = {"segmentId": external_id, "action": "activate" if activate else "deactivate"}
        if activate:
            body["destinations"] = list(DEFAULT_DESTINATIONS)
        return "POST", "data/core/ups/segment/jobs", body

    # --- launch: creates and lookups by name --------------------------------------
    def create(self, kind: str, body: dict, *, key: str) -> WriteResult:
        """POST a campaign, ad group or creative (kind: campaigns | adGroups | creatives)
        with its idempotency key; retried with the same key, so it lands at most once."""
        if kind not in ("campaigns", "adGroups", "creatives"):
            raise ValueError(f"Adobe creates no {kind!r}.")
        return self._write("POST", kind, body, key)

    def find(self, kind: str, **filters: str) -> list[dict]:
        """The created objects of a kind matching the filters (name, campaignId, adGroupId)."""
        return [item for item in self._pages(kind, kind, filters) if isinstance(item, dict)]

    def send(self, request: tuple[str, str, dict], *, key: str) -> WriteResult:
        """Send one prepared write (see the *_request builders) with its idempotency key."""
        method, path, body = request
        return self._write(method, path, body, key)


# --- Adobe shapes → neutral records (values judged later, by sync) ---------------


def _port(url: SplitResult) -> int | None:
    return url.port or {"http": 80, "https": 443}.get(url.scheme)


def _object(raw) -> dict:
    """The item's fields; none for an item that is not an object (sync quarantines it)."""
    return raw if isinstance(raw, dict) else {}


def _campaign_record(raw: dict) -> CampaignRecord:
    fields = _object(raw)
    budget = fields.get("budget") if isinstance(fields.get("budget"), dict) else {}
    return CampaignRecord(
        external_id=fields.get("id"),
        name=fields.get("name"),
        status=fields.get("status"),
        daily_budget=budget.get("allocated"),
        currency=budget.get("currency"),
        raw=raw,
    )


def _ad_group_record(raw: dict) -> AdGroupRecord:
    fields = _object(raw)
    return AdGroupRecord(
        external_id=fields.get("id"),
        campaign_external_id=fields.get("campaignId"),
        name=fields.get("name"),
        status=fields.get("status"),
        bid=fields.get("averageBid"),
        quality_score=fields.get("qualityScore"),
        raw=raw,
    )


def _audience_record(raw: dict) -> AudienceRecord:
    fields = _object(raw)
    status = fields.get("status")
    return AudienceRecord(
        external_id=fields.get("id"),
        name=fields.get("name"),
        status={"active": "active", "inactive": "suppressed"}.get(status, status),
        intent_score=fields.get("intentScore"),
        fatigue_score=fields.get("fatigueScore"),
        estimated_profiles=fields.get("estimatedProfiles"),
        raw=raw,
    )
