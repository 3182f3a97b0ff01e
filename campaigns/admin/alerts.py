"""Alerts: read, and acknowledged through the service."""

from django import http
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from campaigns.admin.base import REFUSALS, ReadOnlyAdminMixin, TenantScopedAdmin, refusal_message
from campaigns.admin.display import SEVERITY_COLOURS, pretty_json, status_badge
from campaigns.admin.filters import AcknowledgedFilter, account_filter, organization_filter
from campaigns.admin.saved_filters import SavedFiltersMixin
from campaigns.models import Alert
from campaigns.services.admin_support import alert_acknowledge


@admin.register(Alert)
class AlertAdmin(SavedFiltersMixin, ReadOnlyAdminMixin, TenantScopedAdmin):
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

    # --- acknowledge from the alert's own page ----------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/acknowledge/",
                self.admin_site.admin_view(require_POST(self.acknowledge_view)),
                name="campaigns_alert_acknowledge",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = self.get_object(request, unquote(object_id))
        may = bool(
            alert
            and alert.acknowledged_at is None
            and request.user.has_perm("campaigns.acknowledge_alert", alert)
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "may_acknowledge": may}
        )

    def acknowledge_view(self, request, object_id):
        # The admin's own (organization-scoped) queryset finds it, or nobody sees it.
        alert = self.get_object(request, unquote(object_id))
        if alert is None or not self.has_view_permission(request, alert):
            raise http.Http404(f"No alert with id {object_id!r}.")
        try:
            alert_acknowledge(alert=alert, actor=request.user)
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
        else:
            self.log_change(request, alert, "Acknowledged")
            self.message_user(request, f"Acknowledged “{alert.title}”.", messages.SUCCESS)
        return redirect(reverse("admin:campaigns_alert_change", args=[alert.pk]))

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
