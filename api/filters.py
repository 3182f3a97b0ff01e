"""Filters for every list. Foreign keys filter by plain id (NumberFilter), never
by a choice field: a choice field would answer "not a valid choice" for an id
that does not exist and an empty list for another tenant's — telling them apart."""

import django_filters as df
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from campaigns.models import (
    AdAccount,
    AdGroup,
    Alert,
    Audience,
    Campaign,
    ChangeSet,
    DailyMetric,
    GuardrailPolicy,
    Organization,
    Recommendation,
)
from executors.models import ExecutionLog
from optimizer.models import OptimizationRun


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(df.NumberFilter):
    """A row id: a whole number a database key can hold (not any float)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


def _ids(*names):
    return {name: IdFilter(field_name=f"{name}_id") for name in names}


def filterset(model, *, ids=(), fields=(), extra=None):
    attrs = {
        **_ids(*ids),
        **(extra or {}),
        "Meta": type("Meta", (), {"model": model, "fields": list(fields)}),
    }
    return type(f"{model.__name__}Filter", (df.FilterSet,), attrs)


OrganizationFilter = filterset(Organization, fields=["slug", "execution_enabled"])
AccountFilter = filterset(
    AdAccount,
    ids=["organization"],
    fields=["platform", "execution_mode", "autonomy", "is_active", "currency"],
)
CampaignFilter = filterset(Campaign, ids=["account", "budget_pool"], fields=["status", "is_pinned"])
AdGroupFilter = filterset(AdGroup, ids=["campaign"], fields=["status"])
AudienceFilter = filterset(Audience, ids=["account"], fields=["status"])
DailyMetricFilter = filterset(
    DailyMetric,
    ids=["campaign", "ad_group"],
    extra={
        "date_from": df.DateFilter(field_name="date", lookup_expr="gte"),
        "date_to": df.DateFilter(field_name="date", lookup_expr="lte"),
    },
)
OptimizationRunFilter = filterset(OptimizationRun, ids=["account"], fields=["status", "as_of"])
RecommendationFilter = filterset(
    Recommendation,
    ids=["account", "campaign", "ad_group", "audience", "run", "rollback_of", "change_set"],
    fields=["status", "kind", "source", "risk", "requires_approval"],
)
ChangeSetFilter = filterset(ChangeSet, ids=["account", "pool", "run"], fields=["status"])
ExecutionFilter = filterset(
    ExecutionLog, ids=["account", "recommendation"], fields=["outcome", "mode"]
)
AlertFilter = filterset(
    Alert,
    ids=["organization", "account", "campaign"],
    fields=["kind", "severity"],
    extra={
        "acknowledged": df.BooleanFilter(
            field_name="acknowledged_at", lookup_expr="isnull", exclude=True
        )
    },
)
PolicyFilter = filterset(GuardrailPolicy, ids=["organization", "account"])
