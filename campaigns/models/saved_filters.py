"""A person's saved views of a console list: filters, search and sort under a name."""

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Organization

# Limits a person meets with a clear message (campaigns.services.saved_filters).
NAME_MAX_LENGTH = 60
QUERY_MAX_LENGTH = 1000
MAX_PER_PERSON_AND_LIST = 20


class SavedFilter(models.Model):
    """One person's named query string for one changelist ("Adobe, high risk, by impact").

    Tenant data: it belongs to its owner in one organization, is listed only to
    that owner and only while they are a member there. The query string is
    re-validated by the list every time it is applied, so a view saved before a
    filter was removed cannot reach a lookup the list no longer declares.

    Not versioned: a saved view is a person's own bookmark and changes nothing
    Spectra does, so there is no decision in it to audit.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="saved_filters"
    )
    # "<app_label>.<model_name>" of the changelist it filters, e.g. "campaigns.recommendation".
    changelist = models.CharField(max_length=100)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # The list's query string without page or error markers, keys sorted.
    query = models.CharField(max_length=QUERY_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # One name per person and list, whichever organization it was saved in:
            # the person sees all of theirs side by side.
            models.UniqueConstraint(
                fields=["owner", "changelist", "name"], name="savedfilter_name_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "changelist"], name="savedfilter_owner_list"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.changelist})"
