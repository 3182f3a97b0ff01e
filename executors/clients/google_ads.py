"""Google Ads API client (REST) over `requests`.

The API version is `api_version` (the factory passes settings.GOOGLE_ADS_API_VERSION;
the versions Spectra speaks are in google_versions). Request bodies are the proto3 JSON
Google's protos accept: lowerCamelCase names and update masks (`amountMicros`), int64
as strings, enums by name (tests/executors/google/test_requests_follow_googles_protos.py
checks every one against the google-ads package's protos).

Authentication is OAuth with a refresh token: an access token from Google's token
endpoint, cached until shortly before expiry and shared by every client of the same
credentials in the process. Every call carries `Authorization`, `developer-token` and,
when the account is reached through a manager, `login-customer-id`.

Reads are GAQL queries on `googleAds:searchStream`; writes are `:mutate` requests of
at most 10,000 operations, with `partialFailure` (per-operation results) and
`validateOnly` (a dry run that changes nothing). Google has no idempotency key: a
mutate whose answer is lost (timeout, reset, cut-off body) raises OutcomeUnknown and
is never re-sent here. Read the value back (`current_budgets`, `current_bids`,
`current_statuses`) before trying again. Answers that say the request was not applied
(429 RESOURCE_TEMPORARILY_EXHAUSTED) are retried after the delay Google asks for; a 5xx
is an unknown outcome like a lost answer.

Money is in micros on the wire (1 unit = 1,000,000 micros), and budgets and bids must
be whole cents (multiples of 10,000 micros). Records carry units as Decimal strings.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin

import requests

from campaigns.urlpolicy import Purpose, guarded_session
from executors.clients.errors import (
    MalformedResponse,
    OutcomeUnknown,
    PlatformAuthError,
    PlatformError,
    PlatformUnavailable,
    shown_text,
)
from executors.clients.google_versions import DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS
from executors.clients.http import NO_RETRY, RetryPolicy, call, call_once, retrying
from executors.clients.records import AdGroupRecord, AudienceRecord, CampaignRecord, MetricRecord
from executors.clients.tokens import cached_token, forget_cached_tokens, forget_token

PLATFORM = "Google Ads"
REAL_API_URL = "https://googleads.googleapis.com/"
REAL_TOKEN_URL = "https://oauth2.googleapis.com/token"
MAX_OPERATIONS = 10_000  # per mutate request, Google's limit
IN_LIST_CHUNK = 5_000  # ids per GAQL IN (…) list
MICROS = Decimal(1_000_000)
MINIMUM_UNIT_MICROS = 10_000  # a cent: what budgets and bids must be multiples of
INT64_MAX = 2**63 - 1
STATUS_FROM_GOOGLE = {"ENABLED": "active", "PAUSED": "paused"}
STATUS_TO_GOOGLE = {"active": "ENABLED", "paused": "PAUSED", "enabled": "ENABLED"}

__all__ = ["GoogleAdsClient", "OperationResult", "forget_cached_tokens"]


@dataclass(frozen=True)
class OperationResult:
    """The outcome of one mutate operation (one change of one campaign or ad group)."""

    external_id: str
    ok: bool
    error: str = ""
    resource_name: str = ""
    error_code: str = (
        ""  # Google's errorCode as "family.CODE", e.g. "mutateError.RESOURCE_NOT_FOUND"
    )


def to_micros(amount: Decimal | int | str, what: str = "amount") -> int:
    """Currency units as micros; ValueError unless a finite, non-negative whole cent."""
    if isinstance(amount, bool | float):  # money is never a float in Spectra
        raise ValueError(f"{what} {amount!r} must be a Decimal, int or numeric string.")
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValueError(f"{what} {amount!r} is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"{what} {amount!r} is not a finite number.")
    if value < 0:
        raise ValueError(f"{what} {amount} must not be negative.")
    micros = value * MICROS
    if micros > INT64_MAX:
        raise ValueError(f"{what} {amount} is beyond what Google can store (int64 micros).")
    if micros != micros.to_integral_value() or int(micros) % MINIMUM_UNIT_MICROS:
        raise ValueError(
            f"{what} {amount} is not a whole number of cents "
            f"(Google takes multiples of {MINIMUM_UNIT_MICROS} micros)."
        )
    return int(micros)


def _units(value) -> Decimal | None:
    """Micros (an int64 string, or a whole number) as units; None if not micros."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        return Decimal(int(value)) / MICROS
    return None


def from_micros(value):
    """Micros as a Decimal string of units ("12.5"); anything that is not micros is
    passed through unchanged, for sync to judge (and quarantine)."""
    units = _units(value)
    return value if units is None else str(units)


def _numeric_ids(external_ids: Iterable[str], what: str) -> list[str]:
    ids = [str(ext).strip() for ext in external_ids]
    bad = [ext for ext in ids if not ext.isdigit()]
    if bad:
        raise ValueError(f"Google Ads {what} ids are numbers; got {', '.join(map(repr, bad[:5]))}.")
    return ids


def _changes(changes: Iterable[tuple[str, object]], what: str) -> list[tuple[str, object]]:
    """(external id, value) pairs with numeric ids, each id at most once."""
    pairs = list(changes)
    ids = _numeric_ids([ext for ext, _ in pairs], what)
    repeated = sorted(ext for ext, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValueError(f"Each {what} may be changed once per call; repeated: {repeated}.")
    return [(ext, value) for ext, (_, value) in zip(ids, pairs, strict=True)]


def _index_of(error: dict) -> int | None:
    """The operation index an error is about (operations[i] in its location)."""
    location = error.get("location") if isinstance(error, dict) else None
    elements = location.get("fieldPathElements") if isinstance(location, dict) else None
    for element in elements or []:
        if isinstance(element, dict) and element.get("fieldName") == "operations":
            index = element.get("index")
            return index if isinstance(index, int) else None
    return None


def _failures(status: object) -> tuple[dict[int, tuple[str, str]], list[tuple[str, str]]]:
    """Errors of a google.rpc.Status by operation index, and those tied to none."""
    by_index: dict[int, tuple[str, str]] = {}
    general: list[tuple[str, str]] = []
    details = status.get("details") if isinstance(status, dict) else None
    for detail in details or []:
        for error in (detail.get("errors") or []) if isinstance(detail, dict) else []:
            if not isinstance(error, dict):
                continue
            code = error.get("errorCode")
            code = (
                ".".join(map(str, next(iter(code.items()))))
                if isinstance(code, dict) and code
                else ""
            )
            code = shown_text(code, 100)
            message = error.get("message") or "Google Ads refused the operation."
            entry = (shown_text(message), code)
            index = _index_of(error)
            if index is None:
                general.append(entry)
            elif index in by_index:  # several errors for one operation: keep them all
                message, first_code = by_index[index]
                by_index[index] = (shown_text(f"{message}; {entry[0]}"), first_code)
            else:
                by_index[index] = entry
    return by_index, general


def _token_refused(exc: PlatformAuthError) -> bool:
    """A 401 a fresh access token can cure (not, say, a bad developer token)."""
    code = exc.code or ""
    return exc.status == 401 and (
        code in ("", "UNAUTHENTICATED") or code.startswith("authenticationError.OAUTH_TOKEN")
    )


def _unknown(body: dict, cause: str, exc: PlatformError) -> OutcomeUnknown:
    count = len(body.get("operations", []))
    return OutcomeUnknown(
        f"{PLATFORM} did not confirm a mutate of {count} operation(s): "
        f"{shown_text(cause, 200)}. It may have "
        "been applied; read the values back before sending it again.",
        status=exc.status,
    )


@dataclass(frozen=True)
class _Operation:
    position: int  # in the caller's list of changes
    external_id: str
    resource_name: str
    body: dict


class GoogleAdsClient:
    def __init__(
        self,
        *,
        base_url: str,
        customer_id: str,
        credentials: dict[str, str],
        timeout: float = 30.0,
        read_retry: RetryPolicy | None = None,
        write_retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        api_version: str = DEFAULT_API_VERSION,
    ):
        if api_version not in SUPPORTED_API_VERSIONS:
            raise ValueError(
                f"Google Ads API {api_version!r} is not one Spectra speaks; "
                f"use one of {', '.join(SUPPORTED_API_VERSIONS)}."
            )
        self.api_version = api_version
        required = ("client_id", "client_secret", "refresh_token", "developer_token")
        missing = [k for k in required if not credentials.get(k)]
        if missing:
            raise PlatformAuthError(
                f"Google Ads credentials are incomplete: missing {', '.join(missing)}."
            )
        self.customer_id = str(customer_id).replace("-", "").strip()
        if not self.customer_id.isdigit():
            raise PlatformAuthError(
                f"Google Ads customer id {customer_id!r} must be digits (dashes allowed)."
            )
        login = str(credentials.get("login_customer_id") or "").replace("-", "").strip()
        self.login_customer_id = login or None
        self.base_url = base_url.rstrip("/") + "/"
        self.client_id = credentials["client_id"]
        self._client_secret = credentials["client_secret"]
        self._refresh_token = credentials["refresh_token"]
        self._developer_token = credentials["developer_token"]
        # Never from the credentials: whoever could set it would receive the secret.
        self.token_url = (
            REAL_TOKEN_URL
            if "googleapis.com" in self.base_url
            else urljoin(self.base_url, "oauth2/token")
        )
        self.timeout = timeout
        self.read_retry = read_retry or RetryPolicy()
        # Writes are retried in one layer, the pipeline's sender (executors.senders),
        # which charges the rate limit for every attempt; a client-level retry under it
        # multiplied the attempts and went round the limit. Only answers that say "not
        # applied" are ever retried; a lost answer never is.
        self.write_retry = write_retry or NO_RETRY
        self.session = session or guarded_session(Purpose.GOOGLE_ADS_API, Purpose.TOKEN)

    def __repr__(self) -> str:  # never show the secrets
        return (
            f"GoogleAdsClient(base_url={self.base_url!r}, customer_id={self.customer_id!r}, "
            f"client_id={self.client_id!r})"
        )

    # --- auth -------------------------------------------------------------------
    @property
    def _token_form(self) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "refresh_token": self._refresh_token,
        }

    def access_token(self) -> str:
        """An access token of these very credentials (cached per process, see tokens)."""
        return cached_token(self.token_url, self._token_form, self._fetch_token)

    def _fetch_token(self) -> tuple[str, float]:
        try:
            body = call(
                self.session,
                "POST",
                self.token_url,
                timeout=self.timeout,
                platform="Google OAuth",
                retry=self.read_retry,
                data=self._token_form,
            )
        except PlatformError as exc:
            if exc.status in (400, 401, 403):  # invalid_grant / invalid_client: fix credentials
                raise PlatformAuthError(
                    str(exc), status=exc.status, code=exc.code, body=exc.body
                ) from exc
            raise
        token = body.get("access_token") if isinstance(body, dict) else None
        expires_in = body.get("expires_in") if isinstance(body, dict) else None
        if not token or not isinstance(expires_in, int | float):
            raise MalformedResponse("Google OAuth answered without access_token/expires_in.")
        return token, float(expires_in)

    def _forget_token(self) -> None:
        forget_token(self.token_url, self._token_form)

    def _headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.access_token()}",
            "developer-token": self._developer_token,
            "Accept": "application/json",
        }
        if self.login_customer_id:
            headers["login-customer-id"] = self.login_customer_id
        return headers

    def _url(self, method: str) -> str:
        return urljoin(self.base_url, f"{self.api_version}/customers/{self.customer_id}/{method}")

    def _post(self, method: str, body: dict, *, write: bool) -> object:
        """POST to the API with retries; one fresh token if the current one is refused."""
        url = self._url(method)
        try:
            return self._post_with_retries(url, body, write)
        except PlatformAuthError as exc:
            if not _token_refused(exc):
                raise
            # Revoked or expired early; a 401 applied nothing.
            return self._post_with_retries(url, body, write)

    def _post_with_retries(self, url: str, body: dict, write: bool) -> object:
        headers = self._headers()  # a refused token request raises before anything is sent
        try:
            if write:
                return retrying(self.write_retry)(self._send_write, url, headers, body)
            return retrying(self.read_retry)(self._send_read, url, headers, body)
        except PlatformAuthError:
            self._forget_token()  # refused with this token: never handed out again
            raise

    def _send_read(self, url: str, headers: dict, body: dict) -> object:
        return call_once(
            self.session,
            "POST",
            url,
            timeout=self.timeout,
            platform=PLATFORM,
            headers=headers,
            json=body,
        )

    def _send_write(self, url: str, headers: dict, body: dict) -> object:
        """One mutate request. A lost answer becomes OutcomeUnknown (never retried)."""
        try:
            return call_once(
                self.session,
                "POST",
                url,
                timeout=self.timeout,
                platform=PLATFORM,
                headers=headers,
                json=body,
            )
        except MalformedResponse as exc:
            raise _unknown(body, "its answer could not be read", exc) from exc
        except PlatformUnavailable as exc:
            # Only a 429 (RESOURCE_TEMPORARILY_EXHAUSTED) says the mutate was not applied.
            # Google documents no 5xx that way (INTERNAL_ERROR, TRANSIENT_ERROR and
            # DEADLINE_EXCEEDED only say to retry), and a gateway's 502/504 says nothing.
            if exc.status == 429:
                raise
            raise _unknown(body, str(exc), exc) from exc

    # --- reads --------------------------------------------------------------------
    def search(self, query: str) -> Iterator[dict]:
        """Rows of a GAQL query (googleAds:searchStream), batch after batch."""
        batches = self._post("googleAds:searchStream", {"query": query}, write=False)
        if not isinstance(batches, list):
            raise MalformedResponse(f"{PLATFORM} searchStream answered without a list of batches.")
        for batch in batches:
            results = batch.get("results", []) if isinstance(batch, dict) else None
            if not isinstance(results, list):
                raise MalformedResponse(f"{PLATFORM} searchStream sent a batch without results.")
            yield from results

    def _search_ids(self, select: str, resource: str, id_field: str, ids: list[str]):
        for start in range(0, len(ids), IN_LIST_CHUNK):
            chunk = ", ".join(ids[start : start + IN_LIST_CHUNK])
            yield from self.search(f"SELECT {select} FROM {resource} WHERE {id_field} IN ({chunk})")

    def campaigns(self) -> Iterator[CampaignRecord]:
        query = (
            "SELECT campaign.id, campaign.name, campaign.status, campaign.campaign_budget, "
            "campaign_budget.amount_micros, customer.currency_code "
            "FROM campaign WHERE campaign.status != 'REMOVED' ORDER BY campaign.id"
        )
        for raw in self.search(query):
            campaign = raw.get("campaign") or {}
            budget = raw.get("campaignBudget") or {}
            status = campaign.get("status")
            yield CampaignRecord(
                external_id=campaign.get("id"),
                name=campaign.get("name"),
                status=STATUS_FROM_GOOGLE.get(status, status),
                daily_budget=from_micros(budget.get("amountMicros")),
                currency=(raw.get("customer") or {}).get("currencyCode"),
                raw=raw,
            )

    def ad_groups(self) -> Iterator[AdGroupRecord]:
        """Ad groups with a quality score: the mean of their keywords' scores (rounded)."""
        scores: dict[str, list[int]] = {}
        quality = (
            "SELECT ad_group.id, ad_group_criterion.quality_info.quality_score "
            "FROM ad_group_criterion WHERE ad_group_criterion.type = 'KEYWORD' "
            "AND ad_group_criterion.status != 'REMOVED'"
        )
        for raw in self.search(quality):
            score = ((raw.get("adGroupCriterion") or {}).get("qualityInfo") or {}).get(
                "qualityScore"
            )
            if isinstance(score, int) and not isinstance(score, bool):
                scores.setdefault(str((raw.get("adGroup") or {}).get("id")), []).append(score)
        query = (
            "SELECT ad_group.id, ad_group.name, ad_group.status, ad_group.cpc_bid_micros, "
            "ad_group.campaign, campaign.id FROM ad_group "
            "WHERE ad_group.status != 'REMOVED' ORDER BY ad_group.id"
        )
        for raw in self.search(query):
            group = raw.get("adGroup") or {}
            status = group.get("status")
            group_scores = scores.get(str(group.get("id")))
            yield AdGroupRecord(
                external_id=group.get("id"),
                campaign_external_id=(raw.get("campaign") or {}).get("id"),
                name=group.get("name"),
                status=STATUS_FROM_GOOGLE.get(status, status),
                bid=from_micros(group.get("cpcBidMicros")),
                quality_score=(
                    int(Decimal(sum(group_scores)) / len(group_scores) + Decimal("0.5"))
                    if group_scores
                    else None
                ),
                raw=raw,
            )

    def audiences(self) -> Iterator[AudienceRecord]:
        """None: Spectra's audiences are Adobe RT-CDP segments."""
        return iter(())

    def performance(
        self, date_from: date, date_to: date, *, include_today: bool = False
    ) -> Iterator[MetricRecord]:
        """Daily rows per ad group. Google reports every day asked for, today's so far
        included (`include_today` is accepted for the common interface): bound date_to."""
        query = (
            "SELECT campaign.id, ad_group.id, segments.date, metrics.impressions, "
            "metrics.clicks, metrics.conversions, metrics.conversions_value, "
            "metrics.cost_micros FROM ad_group WHERE segments.date BETWEEN "
            f"'{date_from.isoformat()}' AND '{date_to.isoformat()}'"
        )
        for raw in self.search(query):
            metrics = raw.get("metrics") or {}
            yield MetricRecord(
                date=(raw.get("segments") or {}).get("date"),
                ad_group_external_id=(raw.get("adGroup") or {}).get("id"),
                campaign_external_id=(raw.get("campaign") or {}).get("id"),
                impressions=metrics.get("impressions"),
                clicks=metrics.get("clicks"),
                conversions=metrics.get("conversions"),
                conversion_value=metrics.get("conversionsValue"),
                spend=from_micros(metrics.get("costMicros")),
                raw=raw,
            )

    # --- read-backs (reconciling an unknown outcome) -------------------------------
    def current_budgets(self, external_ids: Iterable[str]) -> dict[str, Decimal]:
        """Campaign id -> daily budget now (units); unknown campaigns are left out."""
        ids = _numeric_ids(external_ids, "campaign")
        found = {}
        select = "campaign.id, campaign_budget.amount_micros"
        for raw in self._search_ids(select, "campaign", "campaign.id", ids):
            amount = _units((raw.get("campaignBudget") or {}).get("amountMicros"))
            if amount is not None:
                found[str((raw.get("campaign") or {}).get("id"))] = amount
        return found

    def current_bids(self, external_ids: Iterable[str]) -> dict[str, Decimal]:
        """Ad group id -> CPC bid now (units); unknown ad groups are left out."""
        ids = _numeric_ids(external_ids, "ad group")
        found = {}
        select = "ad_group.id, ad_group.cpc_bid_micros"
        for raw in self._search_ids(select, "ad_group", "ad_group.id", ids):
            group = raw.get("adGroup") or {}
            amount = _units(group.get("cpcBidMicros"))
            if amount is not None:
                found[str(group.get("id"))] = amount
        return found

    def current_statuses(self, external_ids: Iterable[str]) -> dict[str, str]:
        """Campaign id -> "active" / "paused" now (other Google statuses as sent)."""
        ids = _numeric_ids(external_ids, "campaign")
        found = {}
        for raw in self._search_ids("campaign.id, campaign.status", "campaign", "campaign.id", ids):
            campaign = raw.get("campaign") or {}
            status = campaign.get("status")
            found[str(campaign.get("id"))] = STATUS_FROM_GOOGLE.get(status, status)
        return found

    # --- writes -------------------------------------------------------------------
    def set_campaign_budgets(
        self,
        changes: Iterable[tuple[str, Decimal]],
        *,
        validate_only: bool = False,
        partial_failure: bool = True,
    ) -> list[OperationResult]:
        """Set daily budgets (units, whole cents): one result per change, in order.

        The campaigns' budget resources are looked up first (a budget is its own
        resource on Google). ValueError, before anything is sent, for amounts that are
        not whole cents, ids that are not numbers, or a campaign listed twice.
        """
        changes = _changes(changes, "campaign")
        ids = [ext for ext, _ in changes]
        amounts = [to_micros(amount, f"budget of campaign {ext}") for ext, amount in changes]
        budgets: dict[str, str] = {}
        for raw in self._search_ids(
            "campaign.id, campaign.campaign_budget", "campaign", "campaign.id", ids
        ):
            campaign = raw.get("campaign") or {}
            budgets[str(campaign.get("id"))] = campaign.get("campaignBudget") or ""
        done: dict[int, OperationResult] = {}
        operations, owner = [], {}
        for position, (ext, amount) in enumerate(zip(ids, amounts, strict=True)):
            name = budgets.get(ext)
            if not name:
                done[position] = OperationResult(
                    ext,
                    False,
                    f"Campaign {ext} does not exist in customer {self.customer_id}.",
                    error_code="mutateError.RESOURCE_NOT_FOUND",
                )
            elif not str(name).startswith(f"customers/{self.customer_id}/campaignBudgets/"):
                # A name read from an answer is sent back as the resource to change:
                # only ever one of this account's own customer.
                done[position] = OperationResult(
                    ext,
                    False,
                    f"Google Ads named budget {str(name)[:100]!r} for campaign {ext}, which is "
                    f"not a budget of customer {self.customer_id}; it was not changed.",
                    error_code="mutateError.RESOURCE_NOT_FOUND",
                )
            elif name in owner:  # a shared budget: changing it changes both campaigns
                done[position] = OperationResult(
                    ext,
                    False,
                    f"Campaign {ext} shares budget {name} with campaign {owner[name]}; "
                    "set it once.",
                    name,
                    "mutateError.ID_EXISTS_IN_MULTIPLE_MUTATES",
                )
            else:
                owner[name] = ext
                body = {
                    "update": {"resourceName": name, "amountMicros": str(amount)},
                    "updateMask": "amountMicros",
                }
                operations.append(_Operation(position, ext, name, body))
        done |= self._mutate("campaignBudgets", operations, validate_only, partial_failure)
        return [done[i] for i in range(len(changes))]

    def set_ad_group_bids(
        self,
        changes: Iterable[tuple[str, Decimal]],
        *,
        validate_only: bool = False,
        partial_failure: bool = True,
    ) -> list[OperationResult]:
        """Set ad-group CPC bids (units, whole cents, > 0): one result per change."""
        changes = _changes(changes, "ad group")
        operations = []
        for position, (ext, bid) in enumerate(changes):
            micros = to_micros(bid, f"bid of ad group {ext}")
            if micros == 0:
                raise ValueError(f"bid of ad group {ext} must be greater than 0.")
            name = f"customers/{self.customer_id}/adGroups/{ext}"
            body = {
                "update": {"resourceName": name, "cpcBidMicros": str(micros)},
                "updateMask": "cpcBidMicros",
            }
            operations.append(_Operation(position, ext, name, body))
        done = self._mutate("adGroups", operations, validate_only, partial_failure)
        return [done[i] for i in range(len(changes))]

    def set_campaign_statuses(
        self,
        changes: Iterable[tuple[str, str]],
        *,
        validate_only: bool = False,
        partial_failure: bool = True,
    ) -> list[OperationResult]:
        """Pause or enable campaigns ("active"/"paused" or ENABLED/PAUSED)."""
        changes = _changes(changes, "campaign")
        operations = []
        for position, (ext, status) in enumerate(changes):
            google = STATUS_TO_GOOGLE.get(str(status).lower())
            if google is None:
                raise ValueError(
                    f"status of campaign {ext} must be active or paused, not {status!r}."
                )
            name = f"customers/{self.customer_id}/campaigns/{ext}"
            body = {"update": {"resourceName": name, "status": google}, "updateMask": "status"}
            operations.append(_Operation(position, ext, name, body))
        done = self._mutate("campaigns", operations, validate_only, partial_failure)
        return [done[i] for i in range(len(changes))]

    def mutate_operations(
        self,
        service: str,
        operations: list[dict],
        *,
        validate_only: bool = False,
        partial_failure: bool = True,
    ) -> dict:
        """One `{service}:mutate` of raw operations (creates included), its answer as sent.

        Same token, timeouts, retries and URL policy as every write here: a lost answer
        raises OutcomeUnknown and is never re-sent (look the objects up by name before
        trying again); a 400 refusing the whole request raises PlatformError with
        Google's body (`refusal_messages` reads it).
        """
        if not 0 < len(operations) <= MAX_OPERATIONS:
            raise ValueError(f"1 to {MAX_OPERATIONS} operations per request.")
        # googleAds:mutate takes operations of several services ("mutateOperations").
        key = "mutateOperations" if service == "googleAds" else "operations"
        body = {key: operations, "partialFailure": partial_failure, "validateOnly": validate_only}
        response = self._post(f"{service}:mutate", body, write=True)
        if not isinstance(response, dict):
            raise OutcomeUnknown(f"{PLATFORM} answered a mutate with something not an object.")
        return response

    # --- campaign experiments (ExperimentService, ExperimentArmService) -----------
    def create_experiment(
        self, *, name: str, suffix: str, control_campaign_id: str, traffic_split: int = 50
    ) -> str:
        """A SEARCH_CUSTOM experiment on one campaign: the campaign is the control arm,
        Google makes the treatment copy, which gets `traffic_split` % of the traffic.
        Returns the experiment's resource name (it is SETUP until scheduled)."""
        (campaign_id,) = _numeric_ids([control_campaign_id], "campaign")
        created = self.mutate_operations(
            "experiments",
            [{"create": {"name": name, "type": "SEARCH_CUSTOM", "suffix": suffix}}],
            partial_failure=False,
        )
        experiment = created["results"][0]["resourceName"]
        arm = {"experiment": experiment}
        self.mutate_operations(
            "experimentArms",
            [
                {
                    "create": arm
                    | {
                        "name": "control",
                        "control": True,
                        "trafficSplit": str(100 - traffic_split),
                        "campaigns": [f"customers/{self.customer_id}/campaigns/{campaign_id}"],
                    }
                },
                {
                    "create": arm
                    | {"name": "treatment", "control": False, "trafficSplit": str(traffic_split)}
                },
            ],
            partial_failure=False,
        )
        return experiment

    def experiment_action(self, experiment: str, verb: str) -> dict:
        """scheduleExperiment, endExperiment or promoteExperiment on an experiment."""
        if verb not in ("scheduleExperiment", "endExperiment", "promoteExperiment"):
            raise ValueError(f"unknown experiment action {verb!r}")
        experiment_id = experiment.rsplit("/", 1)[-1]
        if not experiment_id.isdigit():
            raise ValueError(f"not an experiment resource name: {experiment!r}")
        return self._post(f"experiments/{experiment_id}:{verb}", {}, write=True)

    def experiment(self, experiment: str) -> dict:
        """An experiment's name, type and status, and its arms, as Google reports them."""
        quoted = experiment.replace("'", "")
        rows = list(
            self.search(
                "SELECT experiment.resource_name, experiment.name, experiment.type, "
                f"experiment.status FROM experiment WHERE experiment.resource_name = '{quoted}'"
            )
        )
        arms = self.search(
            "SELECT experiment_arm.name, experiment_arm.control, experiment_arm.traffic_split, "
            "experiment_arm.campaigns, experiment_arm.in_design_campaigns FROM experiment_arm "
            f"WHERE experiment_arm.experiment = '{quoted}'"
        )
        found = rows[0]["experiment"] if rows else {}
        return found | {"arms": [row["experimentArm"] for row in arms]} if found else {}

    @staticmethod
    def refusal_messages(status: object) -> dict[int | None, str]:
        """Google's reasons from a partialFailureError or an error body, by operation index
        (None: about the request), as "family.CODE: message"."""
        by_index, general = _failures(status)
        out: dict[int | None, str] = {i: f"{code}: {msg}" for i, (msg, code) in by_index.items()}
        if general:
            out[None] = "; ".join(f"{code}: {msg}" if code else msg for msg, code in general)
        return out

    def _mutate(
        self, service: str, operations: list[_Operation], validate_only: bool, partial_failure: bool
    ) -> dict[int, OperationResult]:
        """Send operations in requests of at most 10,000; results by caller position."""
        done: dict[int, OperationResult] = {}
        batches = [
            operations[i : i + MAX_OPERATIONS] for i in range(0, len(operations), MAX_OPERATIONS)
        ]
        for number, batch in enumerate(batches):
            body = {
                "operations": [op.body for op in batch],
                "partialFailure": partial_failure,
                "validateOnly": validate_only,
            }
            try:
                response = self._post(f"{service}:mutate", body, write=True)
            except OutcomeUnknown as exc:
                exc.unknown = [op.external_id for op in batch]
                exc.completed = [done[p] for p in sorted(done)]
                exc.unsent = [op.external_id for later in batches[number + 1 :] for op in later]
                raise
            except PlatformError as exc:
                if partial_failure or exc.status != 400:
                    raise
                done |= self._refused(batch, exc)  # atomic request refused: nothing applied
                continue
            done |= self._results(batch, response, validate_only)
        return done

    @staticmethod
    def _refused(batch: list[_Operation], exc: PlatformError) -> dict[int, OperationResult]:
        """Per-operation results of a whole request refused (partialFailure off)."""
        error = exc.body.get("error") if isinstance(exc.body, dict) else None
        by_index, _ = _failures(error)
        if not by_index:
            raise exc  # a problem with the request itself, not with its operations
        results = {}
        for i, op in enumerate(batch):
            message, code = by_index.get(
                i, ("Not applied: another operation of the same request failed.", "")
            )
            results[op.position] = OperationResult(
                op.external_id, False, message, op.resource_name, code
            )
        return results

    @staticmethod
    def _results(
        batch: list[_Operation], response: object, validate_only: bool
    ) -> dict[int, OperationResult]:
        if not isinstance(response, dict):
            raise OutcomeUnknown(
                f"{PLATFORM} answered a mutate with something that is not an object.",
                unknown=[op.external_id for op in batch],
            )
        by_index, general = _failures(response.get("partialFailureError"))
        results = response.get("results")
        if not validate_only and (not isinstance(results, list) or len(results) != len(batch)):
            raise OutcomeUnknown(
                f"{PLATFORM} answered a mutate of {len(batch)} operation(s) with "
                f"{len(results) if isinstance(results, list) else 'no'} results.",
                unknown=[op.external_id for op in batch],
            )
        out = {}
        for i, op in enumerate(batch):
            if i in by_index:
                message, code = by_index[i]
                out[op.position] = OperationResult(
                    op.external_id, False, message, op.resource_name, code
                )
                continue
            applied = validate_only or (
                isinstance(results[i], dict) and bool(results[i].get("resourceName"))
            )
            if applied:
                name = op.resource_name if validate_only else results[i]["resourceName"]
                out[op.position] = OperationResult(op.external_id, True, resource_name=name)
            else:
                message, code = general[0] if general else ("Google Ads returned no result.", "")
                out[op.position] = OperationResult(
                    op.external_id, False, message, op.resource_name, code
                )
        return out
