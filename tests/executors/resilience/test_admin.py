"""Breakers and quota usage in the admin: read-only, each organization sees only its own."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from executors.models import ApiQuotaUsage, BreakerState, CircuitBreaker
from executors.resilience import breaker_record_failure, quota_record
from tests.executors.resilience.conftest import T0
from tests.factories import make_account

DAY = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
MODELS = ["circuitbreaker", "apiquotausage"]
# 5 per request (session, user, its permissions, memberships), the scoped
# filters' choices, the count and the page. Pinned: raise one only for a reason.
BUDGET = {
    "circuitbreaker": 9,  # the organization filter
    "apiquotausage": 12,  # date hierarchy, organization and account filters
}


def _changelist(model_name: str) -> str:
    return reverse(f"admin:executors_{model_name}_changelist")


def _row(model_name: str, account) -> None:
    if model_name == "circuitbreaker":
        for _ in range(3):
            breaker_record_failure(account, "503 from the platform", now=T0)
    else:
        quota_record(account, 12_000, mutate=True, now=DAY)


@pytest.fixture
def tenants(alice, bob, breaker_settings):
    breaker_settings.PLATFORM_DAILY_OPERATIONS = {"google_ads": 15_000, "adobe": 15_000}
    for tenant in (alice, bob):
        for model_name in MODELS:
            _row(model_name, tenant.account)
    return alice, bob


@pytest.mark.parametrize("model_name", MODELS)
def test_a_viewer_sees_only_their_organizations_rows(client, tenants, model_name):
    alice, _ = tenants
    client.force_login(alice.viewer)

    response = client.get(_changelist(model_name))

    assert response.status_code == 200
    shown = {row.account for row in response.context["cl"].result_list}
    assert shown == {alice.account}


@pytest.mark.parametrize("model_name", MODELS)
def test_another_organizations_row_cannot_be_opened(client, tenants, model_name):
    alice, bob = tenants
    client.force_login(alice.viewer)
    model = CircuitBreaker if model_name == "circuitbreaker" else ApiQuotaUsage
    bobs = model.objects.get(account=bob.account)

    response = client.get(
        reverse(f"admin:executors_{model_name}_change", args=[bobs.pk]), follow=True
    )

    # Django's admin answers "doesn't exist" and goes back to the index.
    assert response.redirect_chain[0][1] == 302
    assert str(bob.account) not in response.content.decode()


def test_the_breaker_list_shows_an_open_breaker_with_its_retry_time(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    page = client.get(_changelist("circuitbreaker")).content.decode()

    assert "Open until 09:01:00 UTC" in page
    assert "503 from the platform" in page


def test_the_quota_list_shows_usage_against_the_daily_limit(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    page = client.get(_changelist("apiquotausage")).content.decode()

    assert "12,000 / 15,000 (80 %)" in page


@pytest.mark.parametrize("model_name", MODELS)
def test_nobody_can_add_change_or_delete_rows(client, tenants, model_name):
    alice, _ = tenants
    client.force_login(alice.admin)
    model = CircuitBreaker if model_name == "circuitbreaker" else ApiQuotaUsage
    row = model.objects.get(account=alice.account)

    assert client.get(reverse(f"admin:executors_{model_name}_add")).status_code == 403
    assert (
        client.get(reverse(f"admin:executors_{model_name}_delete", args=[row.pk])).status_code
        == 403
    )
    change = client.get(reverse(f"admin:executors_{model_name}_change", args=[row.pk]))
    assert change.status_code == 200 and not change.context["has_change_permission"]


def test_an_organization_admin_resets_a_breaker_from_the_list(client, tenants):
    alice, bob = tenants
    client.force_login(alice.admin)
    breaker = CircuitBreaker.objects.get(account=alice.account)

    response = client.post(
        _changelist("circuitbreaker"),
        {"action": "reset_selected", "_selected_action": [breaker.pk]},
        follow=True,
    )

    assert response.status_code == 200
    breaker.refresh_from_db()
    assert breaker.state == BreakerState.CLOSED and breaker.reset_by == alice.admin
    assert LogEntry.objects.filter(object_id=str(breaker.pk)).exists()
    assert CircuitBreaker.objects.get(account=bob.account).state == BreakerState.OPEN


def test_a_viewer_is_not_offered_the_reset(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    response = client.get(_changelist("circuitbreaker"))

    assert "reset_selected" not in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("model_name", MODELS)
def test_the_changelist_query_count_does_not_grow_with_rows(
    client, tenants, django_assert_max_num_queries, model_name
):
    alice, _ = tenants
    client.force_login(alice.admin)
    url = _changelist(model_name)
    client.get(url)  # warm caches that are not per request (content types)
    with_one = _queries(client, url)

    for n in range(19):
        _row(model_name, make_account(alice.org, name=f"alice extra {n}"))
    with django_assert_max_num_queries(with_one):
        response = client.get(url)

    assert response.context["cl"].result_count == 20
    assert with_one <= BUDGET[model_name]
