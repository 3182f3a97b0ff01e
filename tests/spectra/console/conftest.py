"""A real HTTP server for webhooks, a synchronous task queue, and accounts full of activity."""

import json
import threading
import uuid
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_q.conf import Conf

from campaigns.models import Alert, AlertKind, Recommendation, RecommendationStatus
from executors.models import ApiQuotaUsage, BreakerState, CircuitBreaker, ExecutionLog
from executors.resilience.quota import quota_day
from tests.factories import make_account, make_campaign, make_recommendation


@pytest.fixture
def webhook():
    """A local HTTP endpoint; `.url`, `.received` (parsed JSON bodies), `.status` to answer."""
    state = SimpleNamespace(received=[], headers=[], status=204, url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(json.loads(body))
            state.headers.append(dict(self.headers))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/spectra-secret-token"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def tasks_run_inline(monkeypatch):
    """Run django-q2 tasks in the calling process, as `"sync": True` in Q_CLUSTER would.

    Q_CLUSTER is read once into django_q.conf.Conf at import, so patching Conf
    is the way to switch it for one test.
    """
    monkeypatch.setattr(Conf, "SYNC", True)


def busy_account(org, *, spend="4500.00", limit="6000.00", label="busy"):
    """An active account with a bit of everything the dashboard counts.

    Two campaigns (one with a daily limit, one without), one pending
    recommendation, today's executions of each outcome, an open breaker, API
    operations counted today and an open alert.
    """
    account = make_account(org, name=f"{org.name} {label} account")
    limited = make_campaign(
        account, spend_today=Decimal(spend), max_daily_spend=Decimal(limit), name=f"{label} 1"
    )
    make_campaign(account, spend_today=Decimal("0"), name=f"{label} 2")
    pending = make_recommendation(limited)
    done = make_recommendation(limited)
    Recommendation.objects.filter(pk=done.pk).update(status=RecommendationStatus.EXECUTED)
    for outcome in ("succeeded", "failed", "blocked", "simulated", "retrying"):
        ExecutionLog.objects.create(
            recommendation=done,
            account=account,
            action="adobe.campaign_budget",
            mode="live",
            idempotency_key=uuid.uuid4(),
            outcome=outcome,
        )
    CircuitBreaker.objects.create(
        account=account,
        state=BreakerState.OPEN,
        consecutive_failures=5,
        retry_at=timezone.now() + timedelta(minutes=5),
    )
    ApiQuotaUsage.objects.create(
        account=account, day=quota_day(account).day, operations=1234, mutate_operations=34
    )
    Alert.objects.create(
        organization=org,
        account=account,
        kind=AlertKind.SYNC_FAILED,
        title=f"{org.name} {label}: sync failed",
    )
    return account, pending
