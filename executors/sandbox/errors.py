"""Errors the sandbox answers with, in the shapes the real platforms use.

Validation and routing failures use the Adobe Experience Platform problem shape
(`type`/`title`/`status`/`detail`); gateway authentication failures use Adobe I/O's
`error_code`/`message` shape. Both are raised as exceptions so handlers stay linear.
"""

from __future__ import annotations

PROBLEM_TYPE_BASE = "https://ns.adobe.com/aep/errors/"

# One code per failure family, so a client (or a test) can branch on `type` without
# parsing the human-readable detail.
TITLES = {
    "SBX-1400-400": "Invalid request",
    "SBX-1401-400": "Malformed JSON body",
    "SBX-1402-400": "Invalid date",
    "SBX-1403-400": "Invalid pagination",
    "SBX-1404-404": "Resource not found",
    "SBX-1405-405": "Method not allowed",
    "SBX-1413-413": "Request body too large",
    "SBX-1415-415": "Unsupported media type",
    "SBX-1422-422": "Idempotency key reused with a different request",
    "SBX-1429-429": "Too many requests",
    "SBX-1500-500": "Internal server error",
    "SBX-1503-503": "Service unavailable",
}


class ApiError(Exception):
    """A request the sandbox refuses, rendered as an AEP problem document."""

    def __init__(self, code: str, detail: str, *, headers: list[tuple[str, str]] | None = None):
        super().__init__(detail)
        self.code = code
        self.status = int(code.rsplit("-", 1)[1])
        self.detail = detail
        self.headers = headers or []

    def body(self) -> dict:
        """The JSON problem document."""
        return {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": TITLES.get(self.code, "Error"),
            "status": self.status,
            "detail": self.detail,
        }


class GatewayError(Exception):
    """An authentication/authorisation refusal in Adobe I/O gateway shape."""

    def __init__(self, status: int, error_code: str, message: str):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message

    def body(self) -> dict:
        """The JSON error document."""
        return {"error_code": self.error_code, "message": self.message}


class AbortConnection(Exception):
    """Raised by the app to make the server drop the TCP connection without a response."""


def bad_request(detail: str) -> ApiError:
    """A 400 for a field that fails validation."""
    return ApiError("SBX-1400-400", detail)


def not_found(detail: str) -> ApiError:
    """A 404 for an unknown id or route."""
    return ApiError("SBX-1404-404", detail)
