"""Circuit breakers and quota usage per platform account: read-only, scoped by organization."""

from django.contrib import admin
from django.utils.text import Truncator

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.display import badge, pretty_json
from campaigns.admin.filters import account_filter, organization_filter
from executors.models import ApiQuotaUsage, BreakerState, CircuitBreaker, ExecutionLog
from executors.resilience.breaker import breaker_reset
from executors.resilience.quota import daily_operations_limit

BREAKER_STATE_COLOURS = {
    BreakerState.CLOSED: "#198754",
    BreakerState.OPEN: "#dc3545",
    BreakerState.HALF_OPEN: "#b35c00",
}


def _usage_colour(share: float) -> str:
    if share >= 1:
        return "#dc3545"
    if share >= 0.8:
        return "#b35c00"
    return "#198754"


@admin.register(CircuitBreaker)
class CircuitBreakerAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "account",
        "organization",
        "platform",
        "state_display",
        "consecutive_failures",
        "failed_probes",
        "retry_at",
        "last_error_short",
        "updated_at",
    ]
    list_filter = ["state", "account__platform", organization_filter("account__organization")]
    search_fields = ["account__name", "account__external_id", "last_error"]
    list_select_related = ["account__organization"]
    actions = ["reset_selected"]
    fields = [
        "account",
        "state",
        "consecutive_failures",
        "failed_probes",
        "opened_at",
        "retry_at",
        "half_open_probe_until",
        "last_error",
        "reset_by",
        "reset_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="organization", ordering="account__organization__name")
    def organization(self, obj):
        return obj.account.organization

    @admin.display(description="platform", ordering="account__platform")
    def platform(self, obj):
        return obj.account.get_platform_display()

    @admin.display(description="state", ordering="state")
    def state_display(self, obj):
        label = obj.get_state_display()
        if obj.state == BreakerState.OPEN and obj.retry_at:
            label = f"Open until {obj.retry_at:%H:%M:%S} UTC"
        return badge(label, BREAKER_STATE_COLOURS.get(obj.state, "#6c757d"))

    @admin.display(description="last error")
    def last_error_short(self, obj):
        return Truncator(obj.last_error).chars(80) or "—"

    def has_reset_permission(self, request):
        return request.user.has_perm("campaigns.change_adaccount")

    @admin.action(description="Reset (close) selected breakers", permissions=["reset"])
    def reset_selected(self, request, queryset):
        self.act_on_each(
            request,
            queryset,
            lambda breaker: breaker_reset(account=breaker.account, actor=request.user),
            done="Reset {n} breaker(s).",
            logged="Reset the circuit breaker",
            label=lambda breaker: breaker.account,
        )


@admin.register(ApiQuotaUsage)
class ApiQuotaUsageAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "day",
        "account",
        "organization",
        "platform",
        "operations",
        "mutate_operations",
        "usage_display",
        "updated_at",
    ]
    list_filter = [
        "account__platform",
        organization_filter("account__organization"),
        account_filter(),
    ]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account__organization"]
    date_hierarchy = "day"
    fields = ["account", "day", "operations", "mutate_operations", "usage_display", "updated_at"]
    readonly_fields = fields

    @admin.display(description="organization", ordering="account__organization__name")
    def organization(self, obj):
        return obj.account.organization

    @admin.display(description="platform", ordering="account__platform")
    def platform(self, obj):
        return obj.account.get_platform_display()

    @admin.display(description="of the daily limit")
    def usage_display(self, obj):
        limit = daily_operations_limit(obj.account)
        if limit is None:
            return "no daily limit"
        share = obj.operations / limit
        return badge(
            f"{obj.operations:,} / {limit:,} ({share * 100:.0f} %)",
            _usage_colour(share),
        )


@admin.register(ExecutionLog)
class ExecutionLogAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """The append-only log of platform writes, read-only for everyone."""

    list_display = [
        "created_at",
        "account",
        "recommendation",
        "action",
        "mode",
        "attempt",
        "outcome",
        "latency_ms",
        "short_detail",
    ]
    # created_at: the dashboard's execution tiles link to "this outcome since the day began".
    list_filter = ["outcome", "mode", account_filter(), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "detail", "=idempotency_key"]
    # Recommendation.__str__ names its campaign or audience.
    list_select_related = ["account", "recommendation__campaign", "recommendation__audience"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        "created_at",
        "account",
        "recommendation",
        "action",
        "mode",
        "attempt",
        "idempotency_key",
        "outcome",
        "detail",
        "latency_ms",
        "request_display",
        "response_display",
    ]

    @admin.display(description="detail")
    def short_detail(self, obj):
        return Truncator(obj.detail).chars(80)

    @admin.display(description="request (redacted)")
    def request_display(self, obj):
        return pretty_json(obj.request)

    @admin.display(description="platform answer")
    def response_display(self, obj):
        return pretty_json(obj.response)
