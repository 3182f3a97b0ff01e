"""The kill switches page: the global switch (operators) and each organization's (its admins).

Everyone in an organization sees whether Spectra may write to its platforms
and who last flipped which switch and why; only those allowed get a button,
and every flip goes through a confirmation page that asks for the reason
(kept in the switch's history by the services in campaigns.services.switch).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from campaigns.admin.base import REFUSALS, org_ids_allowing, refusal_message, restrict_choices
from campaigns.auth import roles_by_org
from campaigns.models import ExecutionSwitch, Organization
from campaigns.selectors import scoped, visible_org_ids
from campaigns.services.switch import execution_switch_set, organization_execution_set

# The prefix campaigns.services.switch gives every organization-switch history
# row, which tells them apart from renames and webhook edits.
ORG_SWITCH_REASON_PREFIX = "Platform writes switched"
HISTORY_ROWS = 25


class FlipForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")],
        coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the switch's history with your name.",
    )


def global_switch() -> ExecutionSwitch:
    """The global switch row, or an unsaved 'on' one before anyone has flipped it."""
    return ExecutionSwitch.objects.select_related("changed_by").filter(
        pk=ExecutionSwitch.SINGLETON_PK
    ).first() or ExecutionSwitch(pk=ExecutionSwitch.SINGLETON_PK)


@admin.register(ExecutionSwitch)
class ExecutionSwitchAdmin(admin.ModelAdmin):
    """Not a list of rows: the changelist is the kill switches page."""

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        # Every member may see whether writes are on; the switch belongs to no tenant.
        user = request.user
        return user.is_active and (user.is_superuser or bool(roles_by_org(user)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # flips go through the confirmation views, never the model form

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # No form is offered, but should one ever be: people of the user's own
        # organizations only, like every other dropdown.
        queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = restrict_choices(
            queryset, org_ids_allowing(request.user, "campaigns.flip_execution_switch")
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="campaigns_executionswitch_changelist"),
            path("global/", view(self.flip_global_view), name="campaigns_executionswitch_global"),
            path(
                "organization/<int:organization_id>/",
                view(self.flip_organization_view),
                name="campaigns_executionswitch_organization",
            ),
        ]

    # --- the page ------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = request.user
        organizations = list(scoped(Organization.objects.order_by("name"), user))
        org_ids = visible_org_ids(user)
        org_history = Organization.history.all()
        if org_ids is not None:
            org_history = org_history.filter(id__in=org_ids)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Kill switches",
            "environment_enabled": settings.SPECTRA_EXECUTION_ENABLED,
            "switch": global_switch(),
            "may_flip_global": user.is_superuser,
            "organizations": [
                (org, user.has_perm("campaigns.flip_execution_switch", org))
                for org in organizations
            ],
            "global_history": ExecutionSwitch.history.select_related("history_user").order_by(
                "-history_date"
            )[:HISTORY_ROWS],
            "organization_history": org_history.filter(
                history_change_reason__startswith=ORG_SWITCH_REASON_PREFIX
            )
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_ROWS],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/spectra/kill_switches.html", context)

    # --- confirmation and flip ---------------------------------------------------

    def flip_global_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied("Only Spectra's operators may flip the global execution switch.")
        return self._confirm_and_flip(
            request,
            subject="every organization",
            current=global_switch().enabled,
            flip=lambda enabled, reason: execution_switch_set(
                actor=request.user, enabled=enabled, reason=reason
            ),
        )

    def flip_organization_view(self, request, organization_id):
        organization = (
            scoped(Organization.objects.all(), request.user).filter(pk=organization_id).first()
        )
        if organization is None:
            raise Http404("No such organization.")
        if not request.user.has_perm("campaigns.flip_execution_switch", organization):
            raise PermissionDenied("Only the organization's admins may flip its switch.")
        return self._confirm_and_flip(
            request,
            subject=organization.name,
            current=organization.execution_enabled,
            flip=lambda enabled, reason: organization_execution_set(
                organization=organization, actor=request.user, enabled=enabled, reason=reason
            ),
        )

    def _confirm_and_flip(self, request, *, subject: str, current: bool, flip):
        page = reverse("admin:campaigns_executionswitch_changelist")
        if request.method == "POST":
            form = FlipForm(request.POST)
            if form.is_valid():
                enabled = form.cleaned_data["enabled"]
                try:
                    flip(enabled, form.cleaned_data["reason"])
                except REFUSALS as exc:
                    if isinstance(exc, PermissionDenied):
                        raise
                    form.add_error("reason", refusal_message(exc))
                else:
                    state = "ON" if enabled else "OFF"
                    self.message_user(
                        request, f"Platform writes are now {state} for {subject}.", messages.SUCCESS
                    )
                    return HttpResponseRedirect(page)
        else:
            wanted = request.GET.get("enabled") or ("off" if current else "on")
            form = FlipForm(initial={"enabled": "on" if wanted == "on" else "off"})
        enabled = form["enabled"].value() == "on"
        return TemplateResponse(
            request,
            "admin/spectra/kill_switch_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Switch platform writes {'on' if enabled else 'off'} for {subject}?",
                "form": form,
                "enabled": enabled,
                "subject": subject,
                "cancel_url": page,
            },
        )
