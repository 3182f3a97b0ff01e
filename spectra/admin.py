"""The daily cycle in the console: each account's schedule and every run, step by step."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.display import status_badge
from campaigns.admin.filters import account_filter
from spectra import admin_prompt_tests  # noqa: F401  (prompt tests in the experiments console)
from spectra.models import AccountCycle, CycleRun
from spectra.services import account_cycle_update

CYCLE_STATUS_COLOURS = {
    "queued": "#6c757d",
    "running": "#0d6efd",
    "succeeded": "#198754",
    "failed": "#dc3545",
}


@admin.register(AccountCycle)
class AccountCycleAdmin(TenantScopedAdmin):
    list_display = ["account", "enabled", "every_minutes", "next_due_at"]
    list_filter = ["enabled"]
    list_select_related = ["account"]
    search_fields = ["account__name"]
    fields = ["account", "enabled", "every_minutes", "next_due_at"]
    readonly_fields = ["account", "next_due_at"]

    def has_add_permission(self, request):
        return False  # every active account gets one from the dispatcher

    def save_model(self, request, obj, form, change):
        self.save_with_service(
            request,
            account_cycle_update,
            schedule=obj,
            actor=request.user,
            every_minutes=form.cleaned_data["every_minutes"],
            enabled=form.cleaned_data["enabled"],
        )


@admin.register(CycleRun)
class CycleRunAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ["id", "account", "status_display", "step", "queued_at", "finished_at"]
    list_filter = ["status", account_filter()]
    list_select_related = ["account"]
    show_full_result_count = False
    date_hierarchy = "queued_at"
    fields = [
        "account",
        "status_display",
        "step",
        "steps_display",
        "error",
        "queued_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, CYCLE_STATUS_COLOURS)

    @admin.display(description="steps")
    def steps_display(self, obj):
        if not obj.steps:
            return "—"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li><strong>{}</strong> · {} · <code>{}</code></li>",
                ((s["step"], s["finished_at"][:19], s["result"]) for s in obj.steps),
            ),
        )
