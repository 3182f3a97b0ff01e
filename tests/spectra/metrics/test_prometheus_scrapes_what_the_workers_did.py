"""A Prometheus scrape over HTTP shows what the fleet did, read from the database: every
worker's executions, held changes, breakers, quota, sync lag, pacing, AI use, the queue."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.models import Recommendation, RecommendationStatus
from creative.models import AICall, ProviderHealth
from executors.models import ApiQuotaUsage, CircuitBreaker, ExecutionLog
from tests.spectra.metrics.scrape import scrape, value

TOKEN = "a-metrics-token-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.SPECTRA_METRICS_TOKEN = TOKEN
    settings.SPECTRA_METRICS_NETWORKS = []  # the token is the only way in
    return TOKEN


def _log(rec, outcome):
    ExecutionLog.objects.create(
        recommendation=rec,
        account=rec.account,
        action="adobe.campaign_budget",
        idempotency_key=uuid.uuid4(),
        mode="live",
        outcome=outcome,
    )


@pytest.mark.django_db(transaction=True)
def test_a_scrape_counts_what_happened_across_tenants(live_server, alice, bob, metrics_token):
    now = timezone.now()
    for _ in range(3):
        _log(alice.recommendation, "succeeded")
    _log(bob.recommendation, "failed")
    Recommendation.objects.filter(pk=bob.recommendation.pk).update(
        status=RecommendationStatus.APPROVED,
        not_before=now + timedelta(minutes=5),
        outcome_detail="rate limit: no capacity within the wait; next round",
    )
    CircuitBreaker.objects.create(account=bob.account, state="open")
    ProviderHealth.objects.create(scope="environment", state="closed")
    ApiQuotaUsage.objects.create(account=alice.account, day=now.date(), operations=42)
    alice.account.last_synced_at = now - timedelta(hours=2)
    alice.account.save()
    alice.campaign.max_daily_spend = Decimal("1000")
    alice.campaign.spend_today = Decimal("900")
    alice.campaign.save()
    AICall.objects.create(
        organization=alice.org,
        purpose="copy",
        provider_name="sandbox",
        model="sandbox-writer",
        outcome="ok",
        input_tokens=1200,
        output_tokens=300,
        cost=Decimal("0.0125"),
    )
    async_task("spectra.tasks.noop_for_metrics_test", q_options={"timeout": 5})

    s = scrape(live_server.url, metrics_token)

    assert value(s, "spectra_executions_total", platform="adobe", outcome="succeeded") == 3
    assert value(s, "spectra_executions_total", platform="adobe", outcome="failed") == 1
    assert value(s, "spectra_changes_waiting", platform="adobe", reason="rate_limit") == 1
    assert value(s, "spectra_circuit_breakers", guards="platform_account", state="open") == 1
    assert value(s, "spectra_circuit_breakers", guards="ai_provider", state="closed") == 1
    assert (
        value(s, "spectra_platform_operations_today", account=alice.account.id, platform="adobe")
        == 42
    )
    lag = value(s, "spectra_sync_lag_seconds", account=alice.account.id, platform="adobe")
    assert 7150 < lag < 7300
    assert value(s, "spectra_spend_pacing_ratio", account=alice.account.id) == pytest.approx(0.9)
    assert value(s, "spectra_campaigns_near_spend_limit", account=alice.account.id) == 1
    assert (
        value(s, "spectra_ai_calls_total", purpose="copy", model="sandbox-writer", outcome="ok")
        == 1
    )
    assert value(s, "spectra_ai_cost_usd_total", model="sandbox-writer") == pytest.approx(0.0125)
    assert value(s, "spectra_ai_tokens_total", model="sandbox-writer", direction="input") == 1200
    assert value(s, "spectra_queue_tasks", task="spectra.tasks.noop_for_metrics_test") == 1
    assert (
        value(
            s, "spectra_queue_oldest_task_age_seconds", task="spectra.tasks.noop_for_metrics_test"
        )
        >= 0
    )
    # Client names never become labels: ids only.
    assert not any("alice" in str(labels) for _name, labels in s)


@pytest.mark.django_db(transaction=True)
def test_request_latency_is_labelled_by_route_not_by_path(live_server, alice, metrics_token):
    import requests

    for _ in range(2):
        requests.get(f"{live_server.url}/healthz/", timeout=10)
    requests.get(
        f"{live_server.url}/admin/campaigns/campaign/{alice.campaign.pk}/change/", timeout=10
    )

    s = scrape(live_server.url, metrics_token)

    healthz = value(
        s,
        "spectra_http_request_duration_seconds_count",
        method="GET",
        route="/healthz/",
        status="2xx",
    )
    assert healthz is not None and healthz >= 2
    routes = {dict(labels).get("route") for name, labels in s if name.startswith("spectra_http")}
    assert not any(str(alice.campaign.pk) in (route or "") for route in routes)
