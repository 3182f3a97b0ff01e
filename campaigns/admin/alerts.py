"""Alerts: read, and acknowledged through the service."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django_q.tasks import async_task

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.display import SEVERITY_COLOURS, pretty_json, status_badge
from campaigns.admin.filters import AcknowledgedFilter, account_filter, organization_filter
from campaigns.models import Alert
from campaigns.services.admin_support import alert_acknowledge


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "title",
        "severity_display",
        "kind",
        "organization",
        "account",
        "campaign",
        "created_at",
        "acknowledged_by",
        "acknowledged_at",
        "notification_display",
    ]
    list_filter = [
        AcknowledgedFilter,
        "severity",
        "kind",
        organization_filter(),
        account_filter(),
    ]
    search_fields = ["title", "message"]
    list_select_related = ["organization", "account", "campaign", "acknowledged_by"]
    autocomplete_fields = ["account", "campaign"]
    date_hierarchy = "created_at"
    actions = ["acknowledge_selected", "notify_selected_again"]
    fields = [
        "title",
        "severity",
        "kind",
        "organization",
        "account",
        "campaign",
        "message",
        "data_display",
        "created_at",
        "acknowledged_by",
        "acknowledged_at",
        "notified_at",
        "notification_error",
    ]
    readonly_fields = fields

    @admin.display(description="severity", ordering="severity")
    def severity_display(self, obj):
        return status_badge(obj, SEVERITY_COLOURS, field="severity")

    @admin.display(description="data")
    def data_display(self, obj):
        return pretty_json(obj.data)

    @admin.display(description="notified", ordering="notified_at")
    def notification_display(self, obj):
        if obj.notified_at is None:
            return "queued"
        if obj.notification_error:
            return format_html(
                '<span class="notification-error" style="color:#dc3545" title="{}">⚠ {}</span>',
                obj.notification_error,
                obj.notification_error[:60],
            )
        return f"{obj.notified_at:%Y-%m-%d %H:%M}"

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("campaigns.acknowledge_alert")

    @admin.action(description="Acknowledge selected alerts", permissions=["acknowledge"])
    def acknowledge_selected(self, request, queryset):
        self.act_on_each(
            request,
            queryset,
            lambda alert: alert_acknowledge(alert=alert, actor=request.user),
            done="Acknowledged {n} alert(s).",
            logged="Acknowledged",
        )

    @admin.action(description="Send notifications again", permissions=["acknowledge"])
    def notify_selected_again(self, request, queryset):
        # Queued, not sent here: a slow webhook must not hold up the page.
        # Per organization: an analyst here may be a mere viewer there.
        ids = [
            alert.pk
            for alert in queryset
            if request.user.has_perm("campaigns.acknowledge_alert", alert)
        ]
        for alert_id in ids:
            async_task(
                "campaigns.tasks.alert_notify_task",
                alert_id,
                True,
                task_name=f"notify alert {alert_id} again",
                group="notifications",
            )
        self.message_user(
            request, f"Queued notifications for {len(ids)} alert(s).", messages.SUCCESS
        )
