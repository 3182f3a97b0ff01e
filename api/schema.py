"""OpenAPI details drf-spectacular cannot infer: the token scheme, the error
responses every operation can give, and request bodies that refuse extra keys."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from api.serializers import ErrorSerializer


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the admin (API tokens → Add), e.g. `spk_…`.",
        }


class SpectraAutoSchema(AutoSchema):
    """Documents the error answers (api.errors) on every operation."""

    def _error_codes(self) -> list[int]:
        codes = [401, 403, 404, 429]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [400, 409, 422]
        if self.method == "GET" and self._is_list_view():
            codes.append(400)  # a bad filter or cursor
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(str(code), self._get_response_for_code(ErrorSerializer, str(code)))
        return responses


def refuse_additional_properties(result, generator, request, public):
    """Request bodies: keys the API does not accept are refused (api.fields.StrictInputMixin)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
