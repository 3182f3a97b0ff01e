"""Saved views: a person keeps a list's filters, search and sort under a name.

Above the list, each of the person's own views is one click away (and one
click from deleted); "Save these filters as …" keeps the current ones. The
admin only checks that a query string fits its list — saving, the limits and
ownership are campaigns.services.saved_filters'.

A view is applied through its own URL, which looks it up among the person's
own views and runs its query string through the list again before redirecting:
a view saved before a filter was removed says so instead of reaching a lookup
the list no longer declares (DeclaredLookupsOnly would refuse it with a 400).
"""

from copy import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    PAGE_VAR,
    TO_FIELD_VAR,
)
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject

from campaigns.admin.base import REFUSALS, refusal_message
from campaigns.auth import roles_by_org
from campaigns.models import Organization, SavedFilter
from campaigns.models.saved_filters import NAME_MAX_LENGTH
from campaigns.selectors import saved_views_of
from campaigns.services.saved_filters import saved_filter_create, saved_filter_delete

# Parameters that say where a person is in a list or how it is drawn, not what it shows.
NOT_SAVED = {PAGE_VAR, ERROR_FLAG, ALL_VAR, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR}
NOT_SAVED |= {"_changelist_filters"}


def canonical_query(params: QueryDict) -> str:
    """A list's query string as saved and compared: what it shows, keys sorted."""
    return urlencode(
        sorted(
            (key, value) for key in params for value in params.getlist(key) if key not in NOT_SAVED
        )
    )


@dataclass(frozen=True)
class ShownView:
    name: str
    apply_url: str
    delete_url: str
    active: bool


@dataclass(frozen=True)
class SavedViewsPanel:
    views: list[ShownView]
    organizations: list[tuple[int, str]]
    query: str
    save_url: str
    name_max_length: int = NAME_MAX_LENGTH


class SavedFiltersMixin:
    """Saved views for a TenantScopedAdmin's changelist (put it first in the bases).

    The panel costs the changelist one query (saved_views_of: the person's
    organizations joined to their views of this list), made only when the page
    is drawn.
    """

    change_list_template = "admin/campaigns/saved_views_change_list.html"

    @property
    def saved_views_list(self) -> str:
        return f"{self.opts.app_label}.{self.opts.model_name}"

    def _saved_view_url(self, name: str, *args) -> str:
        info = (self.admin_site.name, self.opts.app_label, self.opts.model_name, name)
        return reverse("{}:{}_{}_{}".format(*info), args=args)

    def _list_url(self, query: str) -> str:
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        return f"{url}?{query}" if query else url

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "saved-views/",
                wrap(self.saved_view_save),
                name="{}_{}_saved_view_save".format(*info),
            ),
            path(
                "saved-views/<int:pk>/",
                wrap(self.saved_view_apply),
                name="{}_{}_saved_view_apply".format(*info),
            ),
            path(
                "saved-views/<int:pk>/delete/",
                wrap(self.saved_view_delete),
                name="{}_{}_saved_view_delete".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        query = canonical_query(request.GET)
        context = {
            **(extra_context or {}),
            # Lazy: an action's confirmation page is answered without drawing the list.
            "saved_views": SimpleLazyObject(lambda: self._panel(request, query)),
        }
        return super().changelist_view(request, extra_context=context)

    def _panel(self, request, query: str) -> SavedViewsPanel:
        found = saved_views_of(request.user, self.saved_views_list)
        return SavedViewsPanel(
            views=[
                ShownView(
                    name=view.name,
                    apply_url=self._saved_view_url("saved_view_apply", view.pk),
                    delete_url=self._saved_view_url("saved_view_delete", view.pk),
                    active=view.query == query,
                )
                for view in found.views
            ],
            organizations=found.organizations,
            query=query,
            save_url=self._saved_view_url("saved_view_save"),
        )

    def saved_query_problem(self, request, query: str) -> str | None:
        """Why `query` does not fit this list for this person, or None if it does.

        Asked of the changelist itself, so a saved view meets exactly the rules a
        typed URL does: declared filters only, values the fields can hold.
        """
        listing = copy(request)
        listing.method = "GET"
        listing.GET = QueryDict(query)
        listing.POST = QueryDict()
        try:
            self.get_changelist_instance(listing)
        except IncorrectLookupParameters:
            return "a filter has a value this list cannot hold"
        except SuspiciousOperation:
            return "it filters by something this list does not offer"
        return None

    def _own_view(self, request, pk: int) -> SavedFilter:
        view = SavedFilter.objects.filter(
            pk=pk,
            owner=request.user,
            changelist=self.saved_views_list,
            organization_id__in=list(roles_by_org(request.user)),
        ).first()
        if view is None:
            raise Http404("No such saved view of yours.")
        return view

    def saved_view_apply(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        view = self._own_view(request, pk)
        problem = self.saved_query_problem(request, view.query)
        if problem:
            self.message_user(
                request,
                f"The saved view “{view.name}” no longer fits this list: {problem}. "
                "Delete it and save the filters again.",
                messages.WARNING,
            )
            return redirect(self._list_url(""))
        return redirect(self._list_url(view.query))

    def saved_view_save(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = canonical_query(QueryDict(request.POST.get("query", "")))
        problem = self.saved_query_problem(request, query)
        if problem:
            self.message_user(request, f"Not saved: {problem}.", messages.ERROR)
            return redirect(self._list_url(""))
        organization = self._organization_to_save_in(request)
        name = request.POST.get("name", "")
        if organization is None:
            self.message_user(
                request,
                "Not saved: choose the organization the view belongs to.",
                messages.ERROR,
            )
            return redirect(self._list_url(query))
        try:
            view = saved_filter_create(
                owner=request.user,
                organization=organization,
                changelist=self.saved_views_list,
                name=name,
                query=query,
            )
        except REFUSALS as exc:
            self.message_user(request, f"Not saved: {refusal_message(exc)}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"Saved the view “{view.name}”: it waits above this list, one click away.",
                messages.SUCCESS,
            )
        return redirect(self._list_url(query))

    def _organization_to_save_in(self, request) -> Organization | None:
        """The organization posted (one of the person's), else their only one."""
        mine = sorted(roles_by_org(request.user))
        posted = request.POST.get("organization", "")
        if posted.isdigit() and int(posted) in mine:
            return Organization(pk=int(posted))
        if len(mine) == 1 and not posted:
            return Organization(pk=mine[0])
        return None

    def saved_view_delete(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        view = self._own_view(request, pk)
        try:
            saved_filter_delete(saved_filter=view, actor=request.user)
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
        else:
            self.message_user(request, f"Deleted the saved view “{view.name}”.", messages.SUCCESS)
        back = canonical_query(QueryDict(request.POST.get("query", "")))
        # Back to the list the person was on, if it still fits; else the plain list.
        return redirect(self._list_url("" if self.saved_query_problem(request, back) else back))
