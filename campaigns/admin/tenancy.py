"""Organizations and who belongs to them."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from campaigns.admin.base import DEFAULT_REASON, TenantScopedAdmin
from campaigns.admin.filters import organization_filter
from campaigns.credentials import organization_webhook_display
from campaigns.models import Membership, Organization
from campaigns.models.tenancy import WEBHOOK_URL_VALIDATORS
from campaigns.services.admin_support import (
    membership_delete,
    membership_save,
    organization_save,
    organization_set_webhook,
)


class OrganizationForm(forms.ModelForm):
    # Write-only, like platform credentials: typed, never shown back.
    new_webhook_url = forms.CharField(
        label="New webhook URL",
        required=False,
        validators=WEBHOOK_URL_VALIDATORS,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "size": 60}),
        help_text="Alerts are POSTed here. Write-only: stored encrypted and shown only as its "
        "host. Leave blank to keep the current one.",
    )
    remove_webhook = forms.BooleanField(label="Remove the webhook", required=False)

    class Meta:
        model = Organization
        fields = ["name", "slug"]


@admin.register(Organization)
class OrganizationAdmin(TenantScopedAdmin):
    form = OrganizationForm
    list_display = ["name", "slug", "webhook_display", "writes_display", "created_at"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "webhook_display", "writes_display", "created_at"]
    readonly_fields = ["webhook_display", "writes_display", "created_at"]
    edit_fieldsets = [("Webhook", {"fields": ["new_webhook_url", "remove_webhook"]})]

    @admin.display(description="webhook")
    def webhook_display(self, obj):
        # Masked: the path of a Slack or Teams URL is its secret.
        return organization_webhook_display(obj) if obj.pk else "not set"

    @admin.display(description="platform writes", ordering="execution_enabled")
    def writes_display(self, obj):
        # Flipped on the kill switches page (confirmation, reason, history), not here.
        if obj.pk is None:
            return "ON"
        return format_html(
            '<a href="{}#organization-switch-{}">{}</a>',
            reverse("admin:campaigns_executionswitch_changelist"),
            obj.pk,
            "ON" if obj.execution_enabled else "OFF",
        )

    def save_changes(self, request, obj, form, change):
        if not change or {"name", "slug"} & set(form.changed_data):
            self.save_with_service(
                request,
                organization_save,
                organization=obj,
                actor=request.user,
                reason=DEFAULT_REASON,
            )
            if self.save_refused(request):
                return
        url = form.cleaned_data.get("new_webhook_url", "").strip()
        if url or form.cleaned_data.get("remove_webhook"):
            self.save_with_service(
                request, organization_set_webhook, organization=obj, actor=request.user, url=url
            )


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", organization_filter()]
    search_fields = ["user__username", "user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    fields = ["user", "organization", "role", "created_at"]
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("campaigns.delete_membership", obj)

    def save_changes(self, request, obj, form, change):
        self.save_with_service(
            request, membership_save, membership=obj, actor=request.user, reason=DEFAULT_REASON
        )

    def delete_model(self, request, obj):
        self.save_with_service(
            request,
            membership_delete,
            membership=obj,
            actor=request.user,
            reason="Removed in the admin",
        )
