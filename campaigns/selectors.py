"""Read-only queries shared by the admin, the API, tasks and services."""

from dataclasses import dataclass

from django.db.models import FilteredRelation, OuterRef, Q, Subquery

from campaigns.auth import roles_by_org
from campaigns.models import AdAccount, GuardrailPolicy, Organization, Recommendation, SavedFilter
from campaigns.tenancy import scope_to_orgs


def visible_org_ids(user) -> list[int] | None:
    """Organization ids a user may see; None means all (superuser)."""
    if user.is_active and user.is_superuser:
        return None
    return list(roles_by_org(user))


def scoped(queryset, user):
    """Restrict any tenant-owned queryset to the user's organizations."""
    org_ids = visible_org_ids(user)
    return queryset if org_ids is None else scope_to_orgs(queryset, org_ids)


def policy_for_account(account: AdAccount) -> GuardrailPolicy:
    """The account's own policy, else its organization's default, else the seed defaults."""
    policies = {
        p.account_id: p
        for p in GuardrailPolicy.objects.filter(organization_id=account.organization_id).filter(
            account__isnull=True
        )
        | GuardrailPolicy.objects.filter(account=account)
    }
    return (
        policies.get(account.pk)
        or policies.get(None)
        or GuardrailPolicy(organization_id=account.organization_id, version=0)
    )


# A person's pause or resume is on its way while its change is in one of these states.
_OPEN_STATUS_CHANGE = ("approved", "executing")
PENDING_LABELS = {"pause": "Pausing…", "resume": "Resuming…"}


def with_pending_status_change(queryset):
    """Campaigns annotated with `pending_status_change`: "pause" or "resume" while such a
    change is on its way to the platform (approved or executing), else None. One subquery,
    so a list costs no query per row."""
    pending = Recommendation.objects.filter(
        campaign=OuterRef("pk"), kind__in=list(PENDING_LABELS), status__in=_OPEN_STATUS_CHANGE
    ).order_by("-pk")
    return queryset.annotate(pending_status_change=Subquery(pending.values("kind")[:1]))


@dataclass(frozen=True)
class SavedViews:
    """A person's saved views of one list, and the organizations they may save one in."""

    views: list[SavedFilter]
    organizations: list[tuple[int, str]]  # (id, name), by name


def saved_views_of(user, changelist: str) -> SavedViews:
    """The user's own saved views of `changelist`, only in organizations they are still a
    member of, with those organizations' names — one query (their organizations, joined
    to their views of this list), so a list page pays one query for the whole panel."""
    org_ids = list(roles_by_org(user))
    if not org_ids:
        return SavedViews(views=[], organizations=[])
    mine = Q(saved_filters__owner=user, saved_filters__changelist=changelist)
    rows = (
        Organization.objects.filter(pk__in=org_ids)
        .annotate(mine=FilteredRelation("saved_filters", condition=mine))
        .order_by("name", "pk")
        .values_list("pk", "name", "mine__pk", "mine__name", "mine__query")
    )
    organizations, views = {}, []
    for org_id, org_name, pk, name, query in rows:
        organizations[org_id] = org_name
        if pk is not None:
            views.append(
                SavedFilter(
                    pk=pk,
                    owner=user,
                    organization_id=org_id,
                    changelist=changelist,
                    name=name,
                    query=query,
                )
            )
    views.sort(key=lambda view: (view.name.casefold(), view.pk))
    return SavedViews(views=views, organizations=list(organizations.items()))
