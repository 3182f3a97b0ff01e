"""Liveness and readiness for a load balancer or an orchestrator.

/healthz/  the process answers (no database: a slow database must not get every web
           process restarted).
/readyz/   this process can serve: the database answers, the cache round-trips, the
           task broker answers → 200, else 503. It also reports, without failing on
           them, the workers seen by the broker and whether the scheduler is ticking —
           a web process is still useful while the workers are down, and the watchdog
           alerts the operators about that.

No authentication and nothing secret: names of checks and "ok"/"failed", never an
error text (it could hold a host name or a DSN).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_q.brokers import get_broker
from django_q.status import Stat

from spectra.watchdog import late_jobs

logger = logging.getLogger(__name__)


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    seen = cache.get(key)
    cache.delete(key)
    return seen == value


def _broker() -> bool:
    return bool(get_broker().ping())


REQUIRED = {"database": _database, "cache": _cache, "broker": _broker}


def _run(check) -> bool:
    try:
        return check()
    except Exception:  # a check that raises has failed; the log says why, the page not
        logger.exception("Readiness check %s failed", getattr(check, "__name__", check))
        return False


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    checks = {name: "ok" if _run(check) else "failed" for name, check in REQUIRED.items()}
    ready = all(v == "ok" for v in checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    if checks["database"] == "ok":
        try:
            late = late_jobs()
            body["scheduler"] = "on time" if not late else f"{len(late)} job(s) late"
        except Exception:
            logger.exception("Readiness: could not read the schedules")
            body["scheduler"] = "unknown"
    if checks["broker"] == "ok":
        try:
            body["workers"] = len(Stat.get_all())
        except Exception:
            logger.exception("Readiness: could not read the clusters' status")
            body["workers"] = "unknown"
    return JsonResponse(body, status=200 if ready else 503)
