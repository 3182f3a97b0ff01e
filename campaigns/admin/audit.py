"""The audit timeline page of a campaign or an account (see campaigns.audit)."""

from django import http
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse

from campaigns.audit import audit_timeline


def audit_url_name(opts) -> str:
    return f"{opts.app_label}_{opts.model_name}_audit"


class AuditTimelineMixin:
    """Adds `<id>/audit/` to a campaign or account admin: its searchable timeline."""

    audit_subject = ""  # the keyword audit_timeline takes: "campaign" or "account"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/audit/",
                self.admin_site.admin_view(self.audit_view),
                name=audit_url_name(self.opts),
            ),
            *super().get_urls(),
        ]

    def audit_view(self, request, object_id):
        # The admin's own (organization-scoped) queryset finds it, or nobody sees it.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise http.Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        search = request.GET.get("q", "")
        try:
            number = int(request.GET.get("p", "1"))
        except ValueError:
            number = 0
        if number < 1:
            raise http.Http404("No such page in this timeline.")
        page = audit_timeline(**{self.audit_subject: obj}, search=search, page=number)
        if number > 1 and not page.entries:  # like Django's paginator: only page 1 may be empty
            raise http.Http404("No such page in this timeline.")
        rows = [(entry, self._entry_url(entry)) for entry in page.entries]
        return TemplateResponse(
            request,
            "admin/campaigns/audit_timeline.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": obj,
                "title": f"Audit timeline of {obj}",
                "rows": rows,
                "page": page,
                "search": search,
                # One time zone per account, as on the dashboard.
                "time_zone": getattr(obj, "time_zone", None) or obj.account.time_zone,
                "change_url": reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[obj.pk],
                ),
            },
        )

    def _entry_url(self, entry) -> str:
        app_label, model_name = entry.model.split(".")
        try:
            return reverse(
                f"{self.admin_site.name}:{app_label}_{model_name}_change", args=[entry.object_id]
            )
        except NoReverseMatch:
            return ""
