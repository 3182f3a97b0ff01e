"""Both tenants with a row of every admin-visible model, and URL helpers."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from campaigns.admin.accounts import POLICY_SETTINGS
from campaigns.models import (
    Alert,
    AlertKind,
    BudgetPool,
    ChangeSet,
    DailyMetric,
    GuardrailPolicy,
    QuarantinedRow,
    QuarantineKind,
    SyncRun,
    SyncStatus,
)

# model name → attribute of a populated tenant holding that model's row
TENANT_ROWS = {
    "organization": "org",
    "membership": "membership",
    "adaccount": "account",
    "budgetpool": "budget_pool",
    "campaign": "campaign",
    "adgroup": "ad_group",
    "audience": "audience",
    "dailymetric": "metric",
    "syncrun": "sync_run",
    "quarantinedrow": "quarantined_row",
    "guardrailpolicy": "policy",
    "recommendation": "recommendation",
    "changeset": "change_set",
    "alert": "alert",
}
# Models recorded by simple-history; the others show Django's own change log.
VERSIONED = {
    "organization",
    "membership",
    "adaccount",
    "budgetpool",
    "campaign",
    "adgroup",
    "audience",
    "guardrailpolicy",
    "recommendation",
    "changeset",
}


def populate(tenant, name: str):
    """Give a conftest tenant one row of every remaining model."""
    today = date(2025, 3, 10)
    tenant.membership = tenant.viewer.memberships.get()
    tenant.budget_pool = BudgetPool.objects.create(account=tenant.account, name=f"{name} pool")
    tenant.metric = DailyMetric.objects.create(
        ad_group=tenant.ad_group,
        campaign=tenant.campaign,
        date=today,
        impressions=1000,
        clicks=40,
        conversions=Decimal("4"),
        conversion_value=Decimal("8000"),
        spend=Decimal("2000"),
        synced_at=timezone.now(),
    )
    tenant.sync_run = SyncRun.objects.create(
        account=tenant.account,
        date_from=today - timedelta(days=7),
        date_to=today,
        status=SyncStatus.SUCCEEDED,
    )
    tenant.quarantined_row = QuarantinedRow.objects.create(
        account=tenant.account,
        kind=QuarantineKind.METRIC,
        external_id=f"{name}-bad-row",
        fingerprint=f"{name}-fingerprint",
        reason=f"{name}: clicks exceed impressions",
        payload={"clicks": 50, "impressions": 10, "owner": name},
    )
    tenant.policy = GuardrailPolicy.objects.create(organization=tenant.org)
    # A set without legs: the legs' campaigns would be extra rows of other models.
    tenant.change_set = ChangeSet.objects.create(
        account=tenant.account, total_before=Decimal("10000"), total_after=Decimal("10000")
    )
    tenant.alert = Alert.objects.create(
        organization=tenant.org,
        account=tenant.account,
        campaign=tenant.campaign,
        kind=AlertKind.SPEND_LIMIT,
        title=f"{name} alert: spend limit reached",
    )
    return tenant


@pytest.fixture
def tenants(alice, bob):
    """(alice, bob), each with a row of every model the admin shows."""
    return populate(alice, "alice"), populate(bob, "bob")


def changelist_url(model_name: str) -> str:
    return reverse(f"admin:campaigns_{model_name}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:campaigns_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    return reverse(f"admin:campaigns_{obj._meta.model_name}_history", args=[obj.pk])


def transition_url(obj) -> str:
    return reverse(f"admin:campaigns_{obj._meta.model_name}_transition", args=[obj.pk])


def messages_of(response) -> list[str]:
    """The messages the request that produced `response` left for the user."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def policy_form_data() -> dict:
    """The policy form as posted with every setting at its default."""
    defaults = GuardrailPolicy()
    data = {}
    for name in POLICY_SETTINGS:
        value = getattr(defaults, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data
