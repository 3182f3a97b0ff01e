"""Optimisation runs (read-only, with what they held and why) and seasonal events."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.display import RUN_STATUS_COLOURS, pretty_json, status_badge
from campaigns.admin.filters import account_filter, organization_filter
from optimizer.events import seasonal_event_delete, seasonal_event_save
from optimizer.models import OptimizationRun, SeasonalEvent


@admin.register(OptimizationRun)
class OptimizationRunAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "account",
        "as_of",
        "status_display",
        "proposed",
        "held",
        "superseded",
        "policy_version",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", account_filter()]
    list_select_related = ["account"]
    date_hierarchy = "as_of"
    search_fields = ["account__name", "error"]
    fields = [
        "account",
        "as_of",
        "window_start",
        "window_end",
        "status",
        "policy_version",
        "proposed",
        "held",
        "superseded",
        "recommendations_link",
        "summary_display",
        "error",
        "started_at",
        "finished_at",
    ]

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RUN_STATUS_COLOURS)

    @admin.display(description="recommendations")
    def recommendations_link(self, obj):
        # Reversed, not relative: "../../../" from <id>/change/ landed outside the admin app.
        url = reverse(f"{self.admin_site.name}:campaigns_recommendation_changelist")
        return format_html(
            '<a href="{}?run__id__exact={}">{} proposed by this run</a>', url, obj.pk, obj.proposed
        )

    @admin.display(description="notes and holds")
    def summary_display(self, obj):
        return pretty_json(obj.summary)


@admin.register(SeasonalEvent)
class SeasonalEventAdmin(TenantScopedAdmin):
    list_display = ["name", "organization", "start_date", "end_date", "multiplier"]
    list_filter = [organization_filter()]
    search_fields = ["name"]
    list_select_related = ["organization"]
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        self.save_with_service(
            request,
            seasonal_event_save,
            event=obj,
            actor=request.user,
            reason="Edited in the admin" if change else "Declared in the admin",
        )

    def delete_model(self, request, obj):
        self.save_with_service(
            request,
            seasonal_event_delete,
            event=obj,
            actor=request.user,
            reason="Withdrawn in the admin",
        )
