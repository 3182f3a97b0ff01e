"""One row of every model the admin shows, for a given tenant (alice or bob).

Keyed by model label. A registered, tenant-owned model without a builder here
makes the admin attack tests fail with a message saying so: a new admin page
cannot go unattacked.
"""

import uuid
from datetime import date

from django.utils import timezone

from api.services import token_create
from campaigns.models import (
    Alert,
    BudgetPool,
    ChangeSet,
    DailyMetric,
    GuardrailPolicy,
    QuarantinedRow,
    SyncRun,
)
from executors.models import ApiQuotaUsage, CircuitBreaker, ExecutionLog
from optimizer.models import OptimizationRun, SeasonalEvent
from tests.factories import make_recommendation

_day = iter(range(1, 10_000))


def _name(tenant) -> str:
    return tenant.org.name.split()[0]  # "alice" / "bob"


def _spectra_model(name):
    from django.apps import apps

    return apps.get_model("spectra", name)


def _creative(name):
    from django.apps import apps

    return apps.get_model("creative", name)


def _token(user, name):
    return token_create(user=user, name=name, actor=user)[0]


def _change_set(tenant):
    """A proposed reallocation with one leg on the tenant's campaign."""
    change_set = ChangeSet.objects.create(
        account=tenant.account, total_before=5000, total_after=5000, reason=f"{_name(tenant)}"
    )
    make_recommendation(tenant.campaign, change_set=change_set)
    return change_set


def _experiment(tenant):
    from experiments.models import Experiment

    return Experiment.objects.create(
        account=tenant.account, kind="holdout", name=f"{_name(tenant)} experiment", planned_days=28
    )


BUILDERS = {
    "campaigns.Organization": lambda t: t.org,
    "campaigns.Membership": lambda t: t.viewer.memberships.get(organization=t.org),
    "campaigns.AdAccount": lambda t: t.account,
    "campaigns.Campaign": lambda t: t.campaign,
    "campaigns.AdGroup": lambda t: t.ad_group,
    "campaigns.Audience": lambda t: t.audience,
    "campaigns.Recommendation": lambda t: t.recommendation,
    "campaigns.GuardrailPolicy": lambda t: GuardrailPolicy.objects.get_or_create(
        organization=t.org, account=None
    )[0],
    "campaigns.Alert": lambda t: Alert.objects.create(
        organization=t.org,
        account=t.account,
        campaign=t.campaign,
        kind="sync_failed",
        title=f"{_name(t)} alert",
    ),
    "campaigns.ChangeSet": lambda t: _change_set(t),
    "campaigns.BudgetPool": lambda t: BudgetPool.objects.create(
        account=t.account, name=f"{_name(t)} pool"
    ),
    "campaigns.DailyMetric": lambda t: DailyMetric.objects.create(
        ad_group=t.ad_group,
        campaign=t.campaign,
        date=date(2026, 1, 1),
        synced_at=timezone.now(),
    ),
    "campaigns.SyncRun": lambda t: SyncRun.objects.create(
        account=t.account,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 2),
        error=f"{_name(t)} sync error",
    ),
    "campaigns.QuarantinedRow": lambda t: QuarantinedRow.objects.create(
        account=t.account,
        kind="campaign",
        external_id=f"{_name(t)}-row",
        fingerprint=uuid.uuid4().hex,
        reason=f"{_name(t)} bad row",
        payload={},
    ),
    "optimizer.OptimizationRun": lambda t: OptimizationRun.objects.create(
        account=t.account,
        as_of=date(2026, 2, next(_day) % 28 + 1),
        window_start=date(2026, 1, 1),
        window_end=date(2026, 1, 31),
        error=f"{_name(t)} run",
    ),
    "optimizer.SeasonalEvent": lambda t: SeasonalEvent.objects.create(
        organization=t.org,
        name=f"{_name(t)} festival",
        start_date=date(2026, 10, 1),
        end_date=date(2026, 10, 5),
        multiplier="1.50",
    ),
    "executors.CircuitBreaker": lambda t: CircuitBreaker.objects.get_or_create(
        account=t.account, defaults={"last_error": f"{_name(t)} breaker"}
    )[0],
    "executors.ApiQuotaUsage": lambda t: ApiQuotaUsage.objects.create(
        account=t.account, day=date(2026, 1, next(_day) % 28 + 1)
    ),
    "executors.ExecutionLog": lambda t: ExecutionLog.objects.create(
        recommendation=t.recommendation,
        account=t.account,
        action="adobe.campaign_budget",
        mode="live",
        idempotency_key=uuid.uuid4(),
        outcome="succeeded",
        detail=f"{_name(t)} execution",
    ),
    "spectra.AccountCycle": lambda t: _spectra_model("AccountCycle").objects.get_or_create(
        account=t.account
    )[0],
    "spectra.CycleRun": lambda t: _spectra_model("CycleRun").objects.create(
        account=t.account, step=f"{_name(t)}"[:24]
    ),
    "experiments.Experiment": lambda t: _experiment(t),
    # The AI layer.
    "creative.AIProvider": lambda t: _creative("AIProvider").objects.create(
        organization=t.org,
        name=f"{_name(t)} provider",
        base_url="https://api.openai.com/v1",
        chat_model="gpt-4.1-mini",
    ),
    "creative.AISettings": lambda t: _creative("AISettings").objects.get_or_create(
        organization=t.org
    )[0],
    "creative.BrandRules": lambda t: _creative("BrandRules").objects.get_or_create(
        organization=t.org, defaults={"tone": f"{_name(t)} tone"}
    )[0],
    "creative.AICall": lambda t: _creative("AICall").objects.create(
        organization=t.org,
        campaign=t.campaign,
        purpose="copy",
        provider_name=f"{_name(t)} provider",
        model="gpt-4.1-mini",
        outcome="ok",
    ),
    # The admin's own: people see only their own tokens, and bob attacks as his admin.
    "api.ApiToken": lambda t: _token(t.admin, f"{_name(t)} token"),
}

# Pages no organization member may open at all: Spectra's operators' own.
OPERATORS_ONLY = {
    "auth.User",
    "auth.Group",
    "django_q.Schedule",
    "django_q.Success",
    "django_q.Failure",
    "django_q.OrmQ",
}
# Global, not tenant data: covered by its own tests (the kill-switch page).
GLOBAL = {
    "campaigns.ExecutionSwitch",
    "creative.ModelPrice",
    "creative.PromptVersion",
    "creative.PromptTestRun",
}
