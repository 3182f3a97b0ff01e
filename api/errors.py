"""One JSON shape for every error the API answers with.

    {"code": "transition_refused", "message": "Cannot approve a recommendation that is
     rejected.", "current_state": "rejected"}

`code` is stable for programs, `message` is for a person and says what to do.
Extra keys: `fields` (invalid input), `current_state` (409), `rule` (422),
`retry_after` (429), `problems` (a launch that cannot be approved yet). A 404 says
the same whether the row does not exist or belongs to another organization.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from campaigns.services.errors import GuardrailRefused, ServiceError, TransitionRefused
from campaigns.services.quotas import QuotaExceeded
from creative.llm.errors import AIRefused, AIUnavailable

logger = logging.getLogger(__name__)

NOT_FOUND = "Not found, or not yours to see."
NOT_ALLOWED = "Your role in this organization does not allow that."


class LaunchRefused(ServiceError):
    """A launch the service would not approve, with each reason on its own."""

    def __init__(self, message: str, *, problems: list[str]):
        super().__init__(message)
        self.problems = problems


def _body(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(v) for v in detail)
    return str(detail)


def _answer(exc) -> tuple[int, dict, dict]:
    """(status, body, headers) for an exception the API knows how to explain."""
    if isinstance(exc, TransitionRefused):
        return 409, _body("transition_refused", str(exc), current_state=exc.current), {}
    if isinstance(exc, GuardrailRefused):
        return 422, _body("guardrail_refused", str(exc), rule=exc.rule), {}
    if isinstance(exc, QuotaExceeded):
        return 403, _body("quota_exceeded", str(exc), quota=exc.quota), {}
    if isinstance(exc, LaunchRefused):
        return 400, _body("refused", str(exc), problems=exc.problems), {}
    if isinstance(exc, AIUnavailable | AIRefused):
        return 503, _body("ai_unavailable", f"The AI could not answer now: {exc}"), {}
    if isinstance(exc, ServiceError):
        return 400, _body("refused", str(exc) or "The change was refused."), {}
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):  # a service's message per field (a brief)
            fields = exc.message_dict
            return 400, _body("invalid", _flatten(fields), fields=fields), {}
        return 400, _body("invalid", " ".join(exc.messages)), {}
    if isinstance(exc, Http404 | exceptions.NotFound):
        return 404, _body("not_found", NOT_FOUND), {}
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        text = str(exc.detail if isinstance(exc, exceptions.APIException) else exc)
        return 403, _body("permission_denied", text or NOT_ALLOWED), {}
    if isinstance(exc, IntegrityError):
        return 409, _body("conflict", "This conflicts with another row; reload and try again."), {}
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return 400, _body("invalid", _flatten(exc.detail), fields=fields), {}
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return (
            429,
            _body("throttled", str(exc.detail), retry_after=wait),
            {"Retry-After": str(wait)},
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        return exc.status_code, _body(code, _flatten(exc.detail)), headers
    raise exc


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error in the shape above; the unexpected as a bare 500."""
    try:
        code, body, headers = _answer(exc)
    except Exception:
        # The traceback goes to the (redacted) log, never to the client.
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        code, body, headers = (
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            _body("server_error", "Something went wrong on our side; it has been logged."),
            {},
        )
    set_rollback()
    return Response(body, status=code, headers=headers)
