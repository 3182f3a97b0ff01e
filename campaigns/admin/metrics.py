"""What the platforms reported and what a sync refused: read-only."""

from django.contrib import admin
from django.utils.text import Truncator

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.display import RUN_STATUS_COLOURS, money, pretty_json, status_badge
from campaigns.admin.filters import account_filter
from campaigns.models import DailyMetric, QuarantinedRow, SyncRun


@admin.register(DailyMetric)
class DailyMetricAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "date",
        "campaign",
        "ad_group",
        "impressions",
        "clicks",
        "conversions",
        "conversion_value_display",
        "spend_display",
        "synced_at",
    ]
    list_filter = [account_filter("campaign__account")]
    search_fields = ["campaign__name", "ad_group__name"]
    list_select_related = ["campaign__account", "ad_group"]
    date_hierarchy = "date"
    # Counting every metric a tenant ever had is the slowest query on the page.
    show_full_result_count = False

    @admin.display(description="conversion value", ordering="conversion_value")
    def conversion_value_display(self, obj):
        return money(obj.conversion_value, obj.campaign.account.currency)

    @admin.display(description="spend", ordering="spend")
    def spend_display(self, obj):
        return money(obj.spend, obj.campaign.account.currency)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "account",
        "date_from",
        "date_to",
        "status_display",
        "started_at",
        "finished_at",
        "campaigns_seen",
        "metrics_created",
        "metrics_updated",
        "rows_quarantined",
        "fields_kept",
    ]
    list_filter = ["status", account_filter()]
    search_fields = ["account__name", "error"]
    list_select_related = ["account"]
    date_hierarchy = "started_at"

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RUN_STATUS_COLOURS)


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "account",
        "kind",
        "external_id",
        "short_reason",
        "occurrences",
        "first_seen_at",
        "last_seen_at",
        "resolved",
    ]
    list_filter = ["kind", "resolved", account_filter()]
    search_fields = ["external_id", "reason"]
    list_select_related = ["account"]
    fields = [
        "account",
        "kind",
        "external_id",
        "reason",
        "payload_display",
        "occurrences",
        "first_seen_at",
        "last_seen_at",
        "resolved",
        "fingerprint",
    ]
    readonly_fields = fields

    @admin.display(description="reason")
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)

    @admin.display(description="payload")
    def payload_display(self, obj):
        return pretty_json(obj.payload)
