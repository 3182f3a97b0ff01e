"""Errors of the sandbox's Google Ads API, in the shapes Google's REST API uses.

API refusals are a `google.rpc.Status` document whose details hold a `GoogleAdsFailure`
(a list of errors, each with a one-entry `errorCode` such as `{"quotaError":
"RESOURCE_TEMPORARILY_EXHAUSTED"}`, a message and, for mutates, the operation's
location). OAuth refusals use Google's OAuth shape (`error` / `error_description`).
"""

from __future__ import annotations

# The Google Ads API version the sandbox serves unless told others (GoogleAdsConfig):
# the one place the sandbox names it. Keep it Spectra's default (google_versions).
API_VERSION = "v26"
FAILURE_TYPE = f"type.googleapis.com/google.ads.googleads.{API_VERSION}.errors.GoogleAdsFailure"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"

# gRPC status names by HTTP status, as Google's REST gateway maps them.
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
GENERIC_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request is missing required authentication credential.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


def failure(
    family: str,
    code: str,
    message: str,
    *,
    location: list[dict] | None = None,
    details: dict | None = None,
) -> dict:
    """One entry of a GoogleAdsFailure's `errors` list."""
    item: dict = {"errorCode": {family: code}, "message": message}
    if location:
        item["location"] = {"fieldPathElements": location}
    if details:
        item["details"] = details
    return item


def operation_location(index: int, *fields: str) -> list[dict]:
    """`operations[index].field…` as Google's fieldPathElements."""
    return [{"fieldName": "operations", "index": index}] + [{"fieldName": f} for f in fields]


def location_text(item: dict) -> str:
    """`operations[0].update.amount_micros` for an error's location (empty if none)."""
    parts = []
    for element in item.get("location", {}).get("fieldPathElements", []):
        index = element.get("index")
        parts.append(element["fieldName"] + (f"[{index}]" if index is not None else ""))
    return ".".join(parts)


class GoogleAdsError(Exception):
    """A request the sandbox's Google Ads API refuses as a whole."""

    def __init__(
        self,
        status: int,
        errors: list[dict] | None = None,
        *,
        message: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        violations: list[dict] | None = None,
    ):
        self.status = status
        self.errors = errors or []
        self.message = message or (
            self.errors[0]["message"] if len(self.errors) == 1 else GENERIC_MESSAGES[status]
        )
        self.headers = headers or []
        self.violations = violations
        super().__init__(self.message)

    def body(self, request_id: str) -> dict:
        """The google.rpc.Status document."""
        details = []
        if self.errors:
            details.append({"@type": FAILURE_TYPE, "errors": self.errors, "requestId": request_id})
        if self.violations:
            details.append({"@type": BAD_REQUEST_TYPE, "fieldViolations": self.violations})
        error = {"code": self.status, "message": self.message, "status": STATUS_NAMES[self.status]}
        if details:
            error["details"] = details
        return {"error": error}


def invalid_argument(*errors: dict) -> GoogleAdsError:
    """A 400 INVALID_ARGUMENT carrying GoogleAdsFailure errors."""
    return GoogleAdsError(400, list(errors))


def bad_payload(field: str, description: str) -> GoogleAdsError:
    """A 400 for a request body that does not parse (google.rpc.BadRequest, like Google)."""
    return GoogleAdsError(
        400,
        message=f"Invalid JSON payload received. {description}",
        violations=[{"field": field, "description": description}],
    )


def query_error(code: str, message: str) -> GoogleAdsError:
    """A 400 for a GAQL query the sandbox cannot (or Google would not) run."""
    return invalid_argument(failure("queryError", code, message))


def not_found(message: str) -> GoogleAdsError:
    """A 404 for an unknown route or API version."""
    return GoogleAdsError(404, message=message)


def quota_exhausted(retry_delay_s: float, message: str) -> GoogleAdsError:
    """The 429 Google answers when a request must wait: retry after `retryDelay`."""
    delay = f"{retry_delay_s:g}s"
    return GoogleAdsError(
        429,
        [
            failure(
                "quotaError",
                "RESOURCE_TEMPORARILY_EXHAUSTED",
                message,
                details={"quotaErrorDetails": {"rateScope": "ACCOUNT", "retryDelay": delay}},
            )
        ],
        message=f"{GENERIC_MESSAGES[429]} {message}",
    )


def partial_failure_error(errors: list[dict], request_id: str) -> dict:
    """The `partialFailureError` of a mutate response (code 3 = INVALID_ARGUMENT)."""
    first = errors[0]
    where = location_text(first)
    summary = first["message"].rstrip(".") + (f", at {where}" if where else "")
    message = (
        summary if len(errors) == 1 else f"Multiple errors in ‘details’. First error: {summary}"
    )
    return {
        "code": 3,
        "message": message,
        "details": [{"@type": FAILURE_TYPE, "errors": errors, "requestId": request_id}],
    }


class OAuthError(Exception):
    """A token request Google's OAuth server refuses."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict:
        """The OAuth error document."""
        return {"error": self.error, "error_description": self.description}
