"""Read-only queries shared by the admin, the API, tasks and services."""

from django.db.models import OuterRef, Subquery

from campaigns.auth import roles_by_org
from campaigns.models import AdAccount, GuardrailPolicy, Recommendation
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
