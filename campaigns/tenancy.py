"""Where a row belongs: every tenant-owned model reaches its organization here.

One function knows the path from each model to its organization, so scoping
(admin, API, services) can never disagree about who owns what.
"""

from django.db.models import Q

# Lookup from each tenant-owned model to organization_id: at most two joins.
ORG_PATH = {
    "organization": "id",
    "membership": "organization_id",
    "adaccount": "organization_id",
    "guardrailpolicy": "organization_id",
    "alert": "organization_id",
    "savedfilter": "organization_id",
    "campaign": "account__organization_id",
    "budgetpool": "account__organization_id",
    "optimizationrun": "account__organization_id",
    "seasonalevent": "organization_id",
    "audience": "account__organization_id",
    "quarantinedrow": "account__organization_id",
    "syncrun": "account__organization_id",
    "recommendation": "account__organization_id",
    "changeset": "account__organization_id",
    "executionlog": "account__organization_id",
    "adgroup": "campaign__account__organization_id",
    "dailymetric": "campaign__account__organization_id",
    "brief": "campaign__account__organization_id",
    "keyword": "campaign__account__organization_id",
    "ad": "campaign__account__organization_id",
    "asset": "campaign__account__organization_id",
    "circuitbreaker": "account__organization_id",
    "apiquotausage": "account__organization_id",
    "ratelimitwindow": "account__organization_id",
    "accountcycle": "account__organization_id",
    "cyclerun": "account__organization_id",
    # Experiments (experiments/)
    "experiment": "account__organization_id",
    "experimentarm": "experiment__account__organization_id",
    "experimentunit": "experiment__account__organization_id",
    "readout": "experiment__account__organization_id",
    # The AI layer (creative/)
    "aiprovider": "organization_id",
    "aisettings": "organization_id",
    "brandrules": "organization_id",
    "aicall": "organization_id",
}


def org_lookup(model) -> str | None:
    return ORG_PATH.get(model._meta.model_name)


def organization_id_of(obj) -> int | None:
    """The organization id of a tenant-owned instance, following cached relations."""
    path = org_lookup(type(obj))
    if path is None:
        return None
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def scope_to_orgs(queryset, org_ids) -> "Q":
    """Filter a queryset of a tenant-owned model to rows in `org_ids`."""
    path = org_lookup(queryset.model)
    if path is None:
        raise LookupError(f"{queryset.model.__name__} is not tenant-owned.")
    return queryset.filter(**{f"{path}__in": list(org_ids)})
