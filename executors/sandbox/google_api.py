"""The sandbox's Google-Ads-shaped API, mounted under `/googleads/` by SandboxApp.

    POST /googleads/oauth2/token                                   refresh-token grant
    POST /googleads/{version}/customers/{cid}/googleAds:searchStream     GAQL reads
    POST /googleads/{version}/customers/{cid}/campaignBudgets:mutate     budgets (micros)
    POST /googleads/{version}/customers/{cid}/campaigns:mutate           campaign status
    POST /googleads/{version}/customers/{cid}/adGroups:mutate            ad-group CPC bids

`version` is one of `GoogleAdsConfig.api_versions` (default google_errors.API_VERSION);
any other is a 404 NOT_FOUND, the answer of a sunset version. Every body is held to
Google's contract first (google_contract: proto3 JSON as Google's protos accept it, with
the google-ads package's protos when it is installed) and refused as Google refuses an
unparsable payload: 400 INVALID_ARGUMENT with a google.rpc.BadRequest.

It serves the same World (and lock, fault injector and write log) as the Adobe API.
Faults, latency and the write rate limit apply as they do there, answered the way Google
answers: throttling is 429 RESOURCE_EXHAUSTED with a `quotaErrorDetails.retryDelay`.
A mutate request counts as one write for the rate limit, whatever its size.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable

from executors.sandbox import google_search_terms
from executors.sandbox.app import Request, Response
from executors.sandbox.errors import AbortConnection, ApiError
from executors.sandbox.faults import after_handling
from executors.sandbox.google_auth import GoogleAdsConfig, GoogleTokenIssuer, authenticate
from executors.sandbox.google_contract import (
    is_method,
    problem_field,
    query_problems,
    request_problems,
)
from executors.sandbox.google_errors import (
    GoogleAdsError,
    OAuthError,
    bad_payload,
    failure,
    not_found,
    query_error,
    quota_exhausted,
)
from executors.sandbox.google_experiments import COLLECTIONS as EXPERIMENT_COLLECTIONS
from executors.sandbox.google_experiments import GoogleExperiments, action_route
from executors.sandbox.google_gaql import parse
from executors.sandbox.google_mutate import SERVICES, mutate, mutate_all
from executors.sandbox.google_search import search_stream
from executors.sandbox.launched import GOOGLE_COLLECTIONS

logger = logging.getLogger("executors.sandbox")

GOOGLE_PREFIX = "/googleads/"
_CUSTOMER = r"/(?P<version>v\d+)/customers/(?P<customer_id>[^/]+)"
_ROUTES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^/oauth2/token$"), "token"),
    (re.compile(_CUSTOMER + r"/googleAds:searchStream$"), "search_stream"),
    (re.compile(_CUSTOMER + r"/googleAds:mutate$"), "mutate_all"),
    (re.compile(_CUSTOMER + r"/(?P<collection>\w+):mutate$"), "mutate"),
    (action_route(_CUSTOMER), "experiment_action"),
]


class GoogleAdsApi:
    """Serves the Google Ads routes of one SandboxApp (its world, lock and faults)."""

    def __init__(self, app, config: GoogleAdsConfig | None = None):
        self.app = app
        self.config = config or GoogleAdsConfig()
        self.issuer = GoogleTokenIssuer(self.config)
        self._request_ids = itertools.count(1)
        self.experiments = GoogleExperiments()

    # ------------------------------------------------------------------- entry ---
    def handle(self, request: Request) -> Response:
        """Answer one request whose path starts with /googleads/."""
        path = request.path[len(GOOGLE_PREFIX) - 1 :]
        request_id = f"sbx-google-{next(self._request_ids)}"
        config = self.app.world.faults
        if config.get("latencyMs"):
            time.sleep(config["latencyMs"] / 1000.0)
        is_write = request.method == "POST" and path.endswith(":mutate")
        fault = None
        if is_write or not config.get("writesOnly"):
            fault = self.app.faults.draw(config)
        if fault == "drop":  # closed once read, nothing applied (see the Adobe routes)
            raise AbortConnection()
        if fault in ("500", "503", "429"):
            return self._injected(fault, config, request_id)
        if fault == "slow":
            time.sleep(float(config["slowSeconds"]))

        response = self._guarded(request, path, request_id)
        self.app.faults.count_applied_unanswered(fault, is_write, response.status)
        response.headers.append(("request-id", request_id))

        if fault == "reset":
            # The request was fully handled (a mutate IS applied); only the answer is lost.
            raise AbortConnection()
        if fault == "malformed" and response.status == 200:
            encoded = response.encoded()
            response.body = encoded[: max(len(encoded) // 2, 1)]
        return after_handling(fault, config, response)

    def _injected(self, fault: str, config: dict, request_id: str) -> Response:
        if fault == "429":
            error = quota_exhausted(config["retryAfter"], "Injected fault: retry later.")
        else:
            status = int(fault)
            family_code = "TRANSIENT_ERROR" if status == 503 else "INTERNAL_ERROR"
            error = GoogleAdsError(
                status,
                [failure("internalError", family_code, "Injected fault: please retry.")],
                headers=[("Retry-After", str(config["retryAfter"]))] if status == 503 else [],
            )
        return self._error(error, request_id)

    def _error(self, error: GoogleAdsError, request_id: str) -> Response:
        headers = [*error.headers, ("request-id", request_id)]
        return Response(error.status, error.body(request_id), headers)

    def _guarded(self, request: Request, path: str, request_id: str) -> Response:
        try:
            return self._route(request, path, request_id)
        except GoogleAdsError as exc:
            return Response(exc.status, exc.body(request_id), list(exc.headers))
        except OAuthError as exc:
            return Response(exc.status, exc.body())
        except ApiError as exc:  # body too large / not JSON, raised by Request
            return Response(400, bad_payload("", exc.detail).body(request_id))
        except Exception:  # a bug must still answer in Google's shape
            logger.exception("sandbox Google request failed: %s %s", request.method, request.path)
            error = GoogleAdsError(500, [failure("internalError", "INTERNAL_ERROR", "Bug.")])
            return Response(500, error.body(request_id))

    def _route(self, request: Request, path: str, request_id: str) -> Response:
        for pattern, name in _ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            if request.method != "POST":
                raise not_found(f"{request.method} {request.path} is not served; use POST.")
            if name != "token":
                self._hold_to_contract(request, path, match["version"])
            handler: Callable[..., Response] = getattr(self, f"_{name}")
            return handler(request, request_id, **match.groupdict())
        raise not_found(f"No such Google Ads endpoint: {request.path}.")

    # ------------------------------------------------------------------ routes ---
    def _token(self, request: Request, request_id: str) -> Response:
        return Response(200, self.issuer.issue(request.form()))

    def _hold_to_contract(self, request: Request, path: str, version: str) -> None:
        """Refuse a sunset or unknown version, and a body Google's protos would refuse."""
        served = self.config.api_versions
        if version not in served:
            raise not_found(
                f"Google Ads API {version} is not served (sunset or unknown); "
                f"the sandbox serves {', '.join(served)}."
            )
        method = path.split("/", 4)[4]  # after /{version}/customers/{cid}/
        body = request.json(required=False)
        if not isinstance(body, dict) or is_method(method, version) is False:
            return  # each route says what it expected, and 404 for what is no method
        problems = request_problems(method, body, version)
        if problems:
            raise bad_payload(problem_field(problems[0]), "; ".join(problems[:5]))
        if method == "googleAds:searchStream":
            unknown = query_problems(str(body.get("query") or ""), version)
            if unknown:
                raise query_error("UNRECOGNIZED_FIELD", "; ".join(unknown[:5]))

    def _authorise(self, request: Request, version: str, customer_id: str) -> None:
        authenticate(request.headers, self.issuer)
        if not customer_id.isdigit():
            raise GoogleAdsError(
                400,
                [
                    failure(
                        "requestError",
                        "INVALID_CUSTOMER_ID",
                        f"Customer id {customer_id!r} must be 10 digits without dashes.",
                    )
                ],
            )
        if customer_id != self.config.customer_id:
            raise GoogleAdsError(
                403,
                [
                    failure(
                        "authorizationError",
                        "USER_PERMISSION_DENIED",
                        f"User doesn't have permission to access customer {customer_id}.",
                    )
                ],
            )

    def _search_stream(
        self, request: Request, request_id: str, version: str, customer_id: str
    ) -> Response:
        self._authorise(request, version, customer_id)
        body = request.json()
        if not isinstance(body, dict):
            raise bad_payload("", "The request body must be a JSON object.")
        unknown = sorted(set(body) - {"query"})
        if unknown:
            raise bad_payload(unknown[0], f'Unknown name "{unknown[0]}": Cannot find field.')
        query = parse(body.get("query"))
        if query.resource in google_search_terms.RESOURCES:
            with self.app.lock:
                return Response(
                    200, google_search_terms.search(self.app.world, customer_id, query, request_id)
                )
        if query.resource in ("experiment", "experiment_arm"):
            with self.app.lock:
                return Response(200, self.experiments.search(customer_id, query))
        with self.app.lock:
            batches = search_stream(self.app.world, customer_id, query, request_id)
        return Response(200, batches)

    def _mutate_all(
        self, request: Request, request_id: str, version: str, customer_id: str
    ) -> Response:
        self._authorise(request, version, customer_id)
        world = self.app.world
        if not self.app.faults.allow_write(world.faults):
            self.app.faults.count_rate_limited()
            limit = world.faults["writeRateLimit"]
            raise quota_exhausted(1, f"Write rate limit of {limit:g} requests per second.")
        body = request.json()
        with self.app.lock:
            payload, applied = mutate_all(world, customer_id, body, request_id)
            if applied and self.app.state_path:
                world.save(self.app.state_path)
        return Response(200, payload)

    def _mutate(
        self, request: Request, request_id: str, version: str, customer_id: str, collection: str
    ) -> Response:
        if collection in EXPERIMENT_COLLECTIONS:
            return self._experiment_mutate(request, version, customer_id, collection)
        if (
            collection not in SERVICES
            and collection not in GOOGLE_COLLECTIONS
            and collection not in google_search_terms.COLLECTIONS
        ):
            raise not_found(f"{collection}:mutate is not served by the sandbox.")
        self._authorise(request, version, customer_id)
        world = self.app.world
        if not self.app.faults.allow_write(world.faults):
            self.app.faults.count_rate_limited()
            limit = world.faults["writeRateLimit"]
            raise quota_exhausted(1, f"Write rate limit of {limit:g} requests per second.")
        body = request.json()
        with self.app.lock:
            if google_search_terms.serves_mutate(world, customer_id, collection, body):
                payload = google_search_terms.serve_mutate(
                    world, customer_id, collection, body, request_id
                )
                if self.app.state_path and not body.get("validateOnly"):
                    world.save(self.app.state_path)
                return Response(200, payload)
            payload, applied = mutate(world, customer_id, collection, body, request_id)
            if applied and self.app.state_path:
                world.save(self.app.state_path)
        return Response(200, payload)

    def _writable(self, request: Request, version: str, customer_id: str) -> None:
        self._authorise(request, version, customer_id)
        if not self.app.faults.allow_write(self.app.world.faults):
            self.app.faults.count_rate_limited()
            limit = self.app.world.faults["writeRateLimit"]
            raise quota_exhausted(1, f"Write rate limit of {limit:g} requests per second.")

    def _experiment_mutate(
        self, request: Request, version: str, customer_id: str, collection: str
    ) -> Response:
        self._writable(request, version, customer_id)
        body = request.json()
        with self.app.lock:
            payload = self.experiments.mutate(self.app.world, customer_id, collection, body)
        return Response(200, payload)

    def _experiment_action(
        self,
        request: Request,
        request_id: str,
        version: str,
        customer_id: str,
        experiment_id: str,
        verb: str,
    ) -> Response:
        self._writable(request, version, customer_id)
        with self.app.lock:
            return Response(200, self.experiments.act(customer_id, experiment_id, verb))
