"""Request latency for Prometheus, labelled by route pattern (never the raw path: an id
in the path would make a series per object) and status class."""

import time

from prometheus_client import CollectorRegistry, Histogram, ProcessCollector

# Spectra's own registry: the web process's request histogram, its process figures and,
# at scrape time, the figures read from the database (spectra.metrics).
# No auto-describe: it would run the database collector at import (every manage.py
# command, before migrations made its tables).
REGISTRY = CollectorRegistry(auto_describe=False)
ProcessCollector(registry=REGISTRY)

REQUEST_SECONDS = Histogram(
    "spectra_http_request_duration_seconds",
    "Time to answer an HTTP request, by route and status class.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unnamed").lstrip("^")


class RequestLatency:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_SECONDS.labels(
            method, route_of(request), f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response
