"""GET /metrics/ for Prometheus: with the bearer token, or from an allowed network.

The figures are operational, across every tenant (ids, not names), so the endpoint is
for the operators' Prometheus, never for a logged-in user: no session counts.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from spectra.metrics import SpectraCollector
from spectra.request_metrics import REGISTRY

REGISTRY.register(SpectraCollector())


def _allowed(request) -> tuple[bool, int]:
    header = request.headers.get("Authorization", "")
    token = settings.SPECTRA_METRICS_TOKEN
    if header:
        scheme, _, given = header.partition(" ")
        ok = bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)
        return ok, 401
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False, 403
    return any(address in network for network in settings.SPECTRA_METRICS_NETWORKS), 403


@require_safe
@never_cache
def metrics(request):
    ok, refusal = _allowed(request)
    if not ok:
        response = HttpResponse(
            "Metrics need the bearer token (SPECTRA_METRICS_TOKEN) or an allowed network.\n",
            status=refusal,
            content_type="text/plain",
        )
        if refusal == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
