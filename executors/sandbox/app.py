"""The sandbox's HTTP API as a plain WSGI application (Adobe-shaped platform + control API).

One re-entrant lock guards the world: requests may arrive on many server threads, and a
report page must never see a day half-simulated. Deliberate slowness (latency, "slow"
faults) happens outside the lock so it delays only the request it belongs to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from executors.sandbox import reports
from executors.sandbox.auth import DEFAULT_TOKEN_TTL, TokenError, TokenIssuer, authenticate
from executors.sandbox.errors import (
    AbortConnection,
    ApiError,
    GatewayError,
    bad_request,
    not_found,
)
from executors.sandbox.faults import FaultInjector, after_handling, merge_faults
from executors.sandbox.google_auth import GoogleAdsConfig
from executors.sandbox.operations import apply_write, is_write
from executors.sandbox.world import INJECTABLE, World, parse_date

logger = logging.getLogger("executors.sandbox")

MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
MAX_ADVANCE_DAYS = 3660
MAX_IDEMPOTENCY_KEY = 255


@dataclass
class Response:
    """A JSON response before encoding."""

    status: int
    payload: object
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None  # set to send bytes other than the payload's JSON

    def encoded(self) -> bytes:
        """The bytes to send."""
        if self.body is None:
            self.body = json.dumps(self.payload, separators=(",", ":")).encode()
        return self.body


class Request:
    """The parts of a WSGI environ the sandbox uses."""

    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "") or "/"
        self.query_pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.query = dict(self.query_pairs)
        self.headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            self.headers["content-type"] = environ["CONTENT_TYPE"]
        self._body: bytes | None = None

    def body(self) -> bytes:
        """The raw request body (read once)."""
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                raise bad_request("Content-Length is not a number.") from None
            if length > MAX_BODY_BYTES:
                raise ApiError("SBX-1413-413", f"Request bodies are limited to {MAX_BODY_BYTES} B.")
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self, *, required: bool = True) -> object:
        """The body parsed as JSON; 400 with the parser's complaint when it is not."""
        raw = self.body()
        if not raw.strip():
            if required:
                raise ApiError("SBX-1401-400", "A JSON request body is required.")
            return {}
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError("SBX-1401-400", f"The request body is not valid JSON: {exc}.") from None

    def form(self) -> dict[str, str]:
        """Form fields from the body, falling back to the query string."""
        fields = dict(self.query)
        try:
            fields.update(parse_qsl(self.body().decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            raise bad_request("The form body is not valid UTF-8.") from None
        return fields


Handler = Callable[..., Response]


class SandboxApp:
    """WSGI callable serving one world."""

    def __init__(
        self,
        world: World,
        *,
        state_path: str | None = None,
        token_ttl: float = DEFAULT_TOKEN_TTL,
        google: GoogleAdsConfig | None = None,
    ):
        self.world = world
        self.state_path = state_path
        self.lock = threading.RLock()
        self.issuer = TokenIssuer(world.client_id, world.client_secret, token_ttl)
        self.faults = FaultInjector()
        # Imported here: google_api builds this module's Request/Response objects.
        from executors.sandbox.google_api import GoogleAdsApi

        self.google = GoogleAdsApi(self, google)  # the Google Ads routes, under /googleads/
        self._request_ids = itertools.count(1)
        # (path pattern, {method: handler}); the first pattern that matches owns the path.
        platform_routes = [
            (r"/ims/token/v3", {"POST": self._token}),
            (r"/campaigns", {"GET": self._list_campaigns, "POST": self._write}),
            (r"/campaigns/(?P<campaign_id>[^/]+)", {"GET": self._get_campaign}),
            (r"/campaign/(?P<campaign_id>[^/]+)", {"PATCH": self._write}),
            (r"/adGroups", {"GET": self._list_ad_groups, "POST": self._write}),
            (r"/creatives", {"GET": self._list_creatives, "POST": self._write}),
            (r"/creatives/(?P<creative_id>[^/]+)", {"PATCH": self._write}),
            (r"/adGroups/(?P<ad_group_id>[^/]+)", {"GET": self._get_ad_group}),
            (r"/adGroups/(?P<ad_group_id>[^/]+)/bidding", {"PATCH": self._write}),
            (r"/data/core/ups/segment/definitions", {"GET": self._list_segments}),
            (r"/data/core/ups/segment/definitions/(?P<segment_id>[^/]+)",
             {"GET": self._get_segment}),
            (r"/data/core/ups/segment/jobs", {"POST": self._write}),
            (r"/reports/performance", {"GET": self._performance}),
        ]  # fmt: skip
        control_routes = [
            (r"/_sandbox/state", {"GET": self._state}),
            (r"/_sandbox/advance", {"POST": self._advance}),
            (r"/_sandbox/truth", {"GET": self._truth}),
            (r"/_sandbox/writes", {"GET": self._writes}),
            (r"/_sandbox/inject", {"POST": self._inject}),
            (r"/_sandbox/faults", {"GET": self._get_faults, "POST": self._set_faults}),
            (r"/_sandbox/faults/tally", {"GET": self._fault_tally}),
            (r"/_sandbox/expire-tokens", {"POST": self._expire_tokens}),
        ]
        self._platform_routes = _compile(platform_routes)
        self._control_routes = _compile(control_routes)

    # ------------------------------------------------------------------- WSGI ---
    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sandbox/"):
            response = self._guarded(self._route, request, self._control_routes)
        elif request.path.startswith("/googleads/"):
            response = self.google.handle(request)
        else:
            response = self._platform(request)
        body = response.encoded()
        status = f"{response.status} {HTTPStatus(response.status).phrase}"
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-request-id", f"sbx-{next(self._request_ids)}"),
            *response.headers,
        ]
        start_response(status, headers)
        return [body]

    def _guarded(self, handler: Callable, *args) -> Response:
        """Run a handler, turning every refusal (and any bug) into a JSON response."""
        try:
            return handler(*args)
        except ApiError as exc:
            return Response(exc.status, exc.body(), exc.headers)
        except GatewayError as exc:
            return Response(exc.status, exc.body())
        except TokenError as exc:
            return Response(exc.status, exc.body())
        except Exception:  # a bug must still answer in the documented shape
            logger.exception("sandbox request failed: %s %s", args[0].method, args[0].path)
            return Response(500, ApiError("SBX-1500-500", "Unexpected sandbox error.").body())

    def _route(self, request: Request, routes) -> Response:
        for pattern, methods in routes:
            match = pattern.match(request.path)
            if not match:
                continue
            handler = methods.get(request.method)
            if handler is None:
                allowed = ", ".join(sorted(methods))
                raise ApiError(
                    "SBX-1405-405",
                    f"{request.method} is not allowed on {request.path}; use {allowed}.",
                    headers=[("Allow", allowed)],
                )
            return handler(request, **match.groupdict())
        raise not_found(f"No such endpoint: {request.path}.")

    # --------------------------------------------------------- platform routes ---
    def _platform(self, request: Request) -> Response:
        config = self.world.faults
        if config.get("latencyMs"):
            time.sleep(config["latencyMs"] / 1000.0)
        # writesOnly: reads stay healthy, so a test can aim faults at the writes alone.
        writes_only = config.get("writesOnly") and request.method in ("GET", "HEAD")
        fault = None if writes_only else self.faults.draw(config)
        if fault == "drop":
            # The connection closes once the request is read, before it is handled:
            # nothing is applied, and the client cannot tell that from `reset`.
            raise AbortConnection()
        if fault in ("500", "503"):
            status = int(fault)
            code = f"SBX-1{status}-{status}"
            headers = [("Retry-After", str(config["retryAfter"]))] if status == 503 else []
            detail = "Injected fault: the platform failed to process the request."
            return Response(status, ApiError(code, detail).body(), headers)
        if fault == "429":
            detail = "Injected fault: request quota exceeded, retry later."
            headers = [("Retry-After", str(config["retryAfter"]))]
            return Response(429, ApiError("SBX-1429-429", detail).body(), headers)
        if fault == "slow":
            time.sleep(float(config["slowSeconds"]))

        response = self._guarded(self._authorised_route, request)
        self.faults.count_applied_unanswered(
            fault, is_write(request.method, request.path), response.status
        )

        if fault == "reset":
            # The request was fully handled (a write IS applied); only the answer is lost.
            raise AbortConnection()
        if fault == "malformed" and response.status == 200:
            encoded = response.encoded()
            response.body = encoded[: max(len(encoded) // 2, 1)]
        return after_handling(fault, config, response)

    def _authorised_route(self, request: Request) -> Response:
        if request.path != "/ims/token/v3":
            authenticate(
                request.headers,
                self.issuer,
                org_id=self.world.org_id,
                sandbox_name=self.world.sandbox_name,
            )
            if is_write(request.method, request.path) and not self.faults.allow_write(
                self.world.faults
            ):
                self.faults.count_rate_limited()
                limit = self.world.faults["writeRateLimit"]
                raise ApiError(
                    "SBX-1429-429",
                    f"Write rate limit of {limit:g} per second exceeded.",
                    headers=[("Retry-After", "1")],
                )
        return self._route(request, self._platform_routes)

    def _token(self, request: Request) -> Response:
        return Response(200, self.issuer.issue(request.form()))

    def _page(self, request: Request, key: str, total: int, fetch) -> Response:
        """A paginated list: `fetch(start, stop)` returns the items of the page."""
        start, limit = _page_bounds(request)
        items = fetch(start, min(start + limit, total)) if start < total else []
        payload = {
            key: items,
            "_page": {"start": start, "limit": limit, "count": len(items), "total": total},
            "_links": {},
        }
        if start + len(items) < total:
            pairs = [(k, v) for k, v in request.query_pairs if k not in ("start", "limit")]
            pairs += [("start", str(start + len(items))), ("limit", str(limit))]
            payload["_links"]["next"] = {"href": f"{request.path}?{urlencode(pairs)}"}
        return Response(200, payload)

    def _listing(self, request: Request, key: str, items: list) -> Response:
        return self._page(request, key, len(items), lambda a, b: items[a:b])

    def _list_campaigns(self, request: Request) -> Response:
        with self.lock:
            now = time.monotonic()
            seen = [
                self.world.seen("campaign", i, now=now) for i in range(len(self.world.campaign_ids))
            ]
            items = seen + [dict(c) for c in self.world.launched.adobe["campaigns"].values()]
            items = _named(request, items) + list(self.world.injected["campaigns"])
        return self._listing(request, "campaigns", items)

    def _get_campaign(self, request: Request, campaign_id: str) -> Response:
        with self.lock:
            created = self.world.launched.adobe["campaigns"].get(campaign_id)
            if created is not None:
                return Response(200, dict(created))
            index = _lookup(self.world.campaign_index, campaign_id, "Campaign")
            return Response(200, self.world.seen("campaign", index, now=time.monotonic()))

    def _list_ad_groups(self, request: Request) -> Response:
        campaign_id = request.query.get("campaignId") or None
        with self.lock:
            created = [
                dict(g)
                for g in self.world.launched.adobe["adGroups"].values()
                if campaign_id is None or g["campaignId"] == campaign_id
            ]
            if campaign_id in self.world.launched.adobe["campaigns"]:
                return self._listing(request, "adGroups", _named(request, created))
            if campaign_id is None:
                indexes = range(len(self.world.ad_group_ids))
            else:
                index = _lookup(self.world.campaign_index, campaign_id, "Campaign")
                indexes = self.world.campaign_ad_groups(index)
            now = time.monotonic()
            items = [self.world.seen("adGroup", int(i), now=now) for i in indexes]
            items = _named(request, items + created)
            items += [
                row
                for row in self.world.injected["adGroups"]
                if campaign_id is None
                or not isinstance(row, dict)
                or not isinstance(row.get("campaignId"), str)
                or row["campaignId"] == campaign_id
            ]
        return self._listing(request, "adGroups", items)

    def _list_creatives(self, request: Request) -> Response:
        ad_group_id = request.query.get("adGroupId") or None
        with self.lock:
            items = [
                dict(c)
                for c in self.world.launched.adobe["creatives"].values()
                if ad_group_id is None or c["adGroupId"] == ad_group_id
            ]
        return self._listing(request, "creatives", items)

    def _get_ad_group(self, request: Request, ad_group_id: str) -> Response:
        with self.lock:
            index = _lookup(self.world.ad_group_index, ad_group_id, "Ad group")
            return Response(200, self.world.seen("adGroup", index, now=time.monotonic()))

    def _list_segments(self, request: Request) -> Response:
        with self.lock:
            now = time.monotonic()
            seen = [
                self.world.seen("segment", i, now=now) for i in range(len(self.world.segment_ids))
            ]
            items = seen + list(self.world.injected["segments"])
        return self._listing(request, "segments", items)

    def _get_segment(self, request: Request, segment_id: str) -> Response:
        with self.lock:
            index = _lookup(self.world.segment_index, segment_id, "Segment")
            return Response(200, self.world.seen("segment", index, now=time.monotonic()))

    def _performance(self, request: Request) -> Response:
        dates = {}
        for name in ("startDate", "endDate"):
            value = request.query.get(name)
            if not value:
                raise ApiError("SBX-1402-400", f"{name} is required (YYYY-MM-DD).")
            try:
                dates[name] = parse_date(value)
            except ValueError:
                raise ApiError(
                    "SBX-1402-400", f"{name} {value!r} is not a valid YYYY-MM-DD date."
                ) from None
        include_today = _boolean(request, "includeToday")
        campaign_id = request.query.get("campaignId") or None
        with self.lock:
            if campaign_id is not None:
                _lookup(self.world.campaign_index, campaign_id, "Campaign")
            try:
                query = reports.report_query(
                    self.world,
                    dates["startDate"],
                    dates["endDate"],
                    campaign_id=campaign_id,
                    include_today=include_today,
                )
            except ValueError as exc:
                raise ApiError("SBX-1402-400", f"{exc}.") from None
            generated = reports.generated_count(self.world, query)
            injected = reports.injected_rows(self.world, query)

            def fetch(start: int, stop: int) -> list:
                rows = reports.generated_rows(self.world, query, start, stop)
                return rows + injected[max(start - generated, 0) : max(stop - generated, 0)]

            return self._page(request, "rows", generated + len(injected), fetch)

    def _write(self, request: Request, **_ids: str) -> Response:
        body = request.json()
        key = request.headers.get("idempotency-key") or None
        if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
            raise bad_request(f"Idempotency-Key is limited to {MAX_IDEMPOTENCY_KEY} characters.")
        canonical = json.dumps([request.method, request.path, body], sort_keys=True)
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
        with self.lock:
            world = self.world
            if key is not None and (prior := world.write_for_key(key)) is not None:
                if prior["fingerprint"] != fingerprint:
                    raise ApiError(
                        "SBX-1422-422",
                        f"Idempotency-Key {key!r} was already used for "
                        f"{prior['method']} {prior['path']} with a different body.",
                    )
                world.duplicates += 1
                self._persist()
                replayed = [("Idempotent-Replayed", "true")]
                return Response(prior["status"], prior["response"], replayed)
            result = apply_write(
                world,
                request.method,
                request.path,
                body,
                stale_seconds=float(world.faults.get("staleReadSeconds") or 0),
            )
            world.record_write(
                {
                    "seq": len(world.writes) + 1,
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                    "day": world.today_date.isoformat(),
                    "dayIndex": world.today,
                    "method": request.method,
                    "path": request.path,
                    "idempotencyKey": key,
                    "body": body,
                    "status": 200,
                    "response": result,
                    "fingerprint": fingerprint,
                }
            )
            self._persist()
        return Response(200, result)

    # ---------------------------------------------------------- control routes ---
    def _persist(self) -> None:
        if self.state_path:
            self.world.save(self.state_path)

    def _state(self, request: Request) -> Response:
        with self.lock:
            return Response(200, self.world.state())

    def _advance(self, request: Request) -> Response:
        body = request.json(required=False)
        days = body.get("days", 1) if isinstance(body, dict) else None
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_ADVANCE_DAYS:
            raise bad_request(f"days must be an integer between 0 and {MAX_ADVANCE_DAYS}.")
        with self.lock:
            self.world.advance(days)
            self._persist()
            return Response(200, self.world.state())

    def _truth(self, request: Request) -> Response:
        date = request.query.get("date")
        with self.lock:
            if date is not None:
                try:
                    index = self.world.day_of(date)
                except ValueError:
                    raise ApiError("SBX-1402-400", f"date {date!r} is not YYYY-MM-DD.") from None
                if index < 0:
                    raise ApiError("SBX-1402-400", f"date {date} is before the world started.")
            return Response(200, self.world.truth(date))

    def _writes(self, request: Request) -> Response:
        fields = ("seq", "at", "day", "method", "path", "idempotencyKey", "body", "response")
        fields += ("platform",)  # "google_ads" for Google mutates (they carry no key)
        with self.lock:
            writes = [{name: entry.get(name) for name in fields} for entry in self.world.writes]
            return Response(200, {"writes": writes, "duplicates": self.world.duplicates})

    def _inject(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict) or not body:
            raise bad_request(f"Inject an object with list(s) under {', '.join(INJECTABLE)}.")
        unknown = sorted(set(body) - set(INJECTABLE))
        if unknown:
            raise bad_request(f"Cannot inject {', '.join(unknown)}; use {', '.join(INJECTABLE)}.")
        for key, rows in body.items():
            if not isinstance(rows, list):
                raise bad_request(f"{key} must be a list of raw records.")
        with self.lock:
            counts = self.world.inject(body)
            self._persist()
        return Response(200, {"injected": counts})

    def _fault_tally(self, request: Request) -> Response:
        return Response(200, self.faults.tally())

    def _get_faults(self, request: Request) -> Response:
        return Response(200, dict(self.world.faults))

    def _set_faults(self, request: Request) -> Response:
        with self.lock:
            self.world.faults = merge_faults(self.world.faults, request.json())
            self.faults.restart()
            self._persist()
            return Response(200, dict(self.world.faults))

    def _expire_tokens(self, request: Request) -> Response:
        return Response(200, {"expired": self.issuer.expire_all()})


def _compile(routes: list[tuple[str, dict[str, Handler]]]) -> list[tuple[re.Pattern, dict]]:
    return [(re.compile(pattern + "$"), methods) for pattern, methods in routes]


def _named(request: Request, items: list) -> list:
    """Items whose name is the `name` query parameter (all of them without one)."""
    name = request.query.get("name")
    return items if name is None else [i for i in items if i.get("name") == name]


def _lookup(index_of: Callable[[str], int], identifier: str, kind: str) -> int:
    try:
        return index_of(identifier)
    except KeyError:
        raise not_found(f"{kind} {identifier!r} does not exist.") from None


def _page_bounds(request: Request) -> tuple[int, int]:
    values = {}
    for name, default, low, high in (
        ("start", 0, 0, None),
        ("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    ):
        raw = request.query.get(name)
        try:
            value = default if raw in (None, "") else int(raw)
        except ValueError:
            raise ApiError("SBX-1403-400", f"{name} must be an integer, got {raw!r}.") from None
        if value < low or (high is not None and value > high):
            bounds = f">= {low}" if high is None else f"between {low} and {high}"
            raise ApiError("SBX-1403-400", f"{name} must be {bounds}, got {value}.")
        values[name] = value
    return values["start"], values["limit"]


def _boolean(request: Request, name: str) -> bool:
    raw = request.query.get(name, "false").lower()
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no", ""):
        return False
    raise bad_request(f"{name} must be true or false, got {raw!r}.")
