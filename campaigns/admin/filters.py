"""List filters whose choices are only the user's own organizations and accounts.

Django's RelatedFieldListFilter lists every row of the related table, which
would show one tenant the names of another's accounts. These filters list
the rows the user may see, without a DISTINCT scan of the (possibly large)
filtered table.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

from campaigns.admin.base import valid_key
from campaigns.models import AdAccount, Organization
from campaigns.selectors import scoped


class ScopedRelatedFilter(admin.SimpleListFilter):
    related_model = None
    field_path = ""

    def lookups(self, request, model_admin):
        rows = scoped(self.related_model._default_manager.all(), request.user)
        return [(str(row.pk), str(row)) for row in rows]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not valid_key(self.related_model._meta.pk, self.value()):
            # What Django's own field filters do with a value their field cannot
            # hold: the changelist redirects to itself with ?e=1.
            raise IncorrectLookupParameters(f"{self.title}: {self.value()!r} is not an id.")
        return queryset.filter(**{f"{self.field_path}__pk": self.value()})


def account_filter(field_path: str = "account") -> type[ScopedRelatedFilter]:
    """A filter on the ad account reached through `field_path`."""
    return type(
        "AccountFilter",
        (ScopedRelatedFilter,),
        {
            "title": "account",
            "parameter_name": "account",
            "related_model": AdAccount,
            "field_path": field_path,
        },
    )


def organization_filter(field_path: str = "organization") -> type[ScopedRelatedFilter]:
    """A filter on the organization reached through `field_path`."""
    return type(
        "OrganizationFilter",
        (ScopedRelatedFilter,),
        {
            "title": "organization",
            "parameter_name": "organization",
            "related_model": Organization,
            "field_path": field_path,
        },
    )


class AcknowledgedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("no", "Open"), ("yes", "Acknowledged")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(acknowledged_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset
