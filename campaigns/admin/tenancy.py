"""Organizations and who belongs to them."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from campaigns.admin.base import DEFAULT_REASON, TenantScopedAdmin
from campaigns.admin.filters import organization_filter
from campaigns.models import Membership, Organization
from campaigns.services.admin_support import (
    membership_delete,
    membership_save,
    organization_save,
)


@admin.register(Organization)
class OrganizationAdmin(TenantScopedAdmin):
    list_display = ["name", "slug", "webhook_url", "writes_display", "created_at"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "webhook_url", "writes_display", "created_at"]
    readonly_fields = ["writes_display", "created_at"]

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

    def save_model(self, request, obj, form, change):
        self.save_with_service(
            request, organization_save, organization=obj, actor=request.user, reason=DEFAULT_REASON
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

    def save_model(self, request, obj, form, change):
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
