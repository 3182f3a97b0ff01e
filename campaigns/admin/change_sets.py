"""Change sets: the reallocation queue, one row per set with its legs inside.

A set is approved or rejected as a whole through the change-set services;
its legs are shown, never decided, one by one.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from campaigns.admin.base import (
    ReadOnlyAdminMixin,
    ScopedTabularInline,
    TenantScopedAdmin,
    refusal_message,
)
from campaigns.admin.display import RECOMMENDATION_STATUS_COLOURS, money, status_badge, value_change
from campaigns.admin.filters import account_filter
from campaigns.admin.saved_filters import SavedFiltersMixin
from campaigns.models import ChangeSet, Recommendation
from campaigns.services.change_set_decisions import change_sets_decide_bulk
from campaigns.services.errors import ServiceError

MAX_REFUSALS_LISTED = 10
MAX_CONFIRMATION_ROWS = 100


def legs_shown():
    """Legs with what their lines read and nothing more: a page of a hundred
    reallocations holds thousands of legs, and their evidence is not shown."""
    return (
        Recommendation.objects.select_related("campaign")
        .only(
            "change_set_id",
            "status",
            "current_value",
            "proposed_value",
            "expected_impact",
            "confidence",
            "risk",
            "campaign__name",
            "campaign__status",  # django-fsm reads the state of every campaign it builds
        )
        # By set first: then the set's index serves the order too, where "by id" alone
        # made SQLite walk the whole table in id order (500 ms at 1,000,000 rows).
        .order_by("change_set_id", "pk")
    )


def leg_lines(change_set: ChangeSet):
    """Each leg as 'campaign: ₹5,000 → ₹6,000 (+20 %) · status', from prefetched legs."""
    return format_html_join(
        "",
        '<li><a href="{}">{}</a>: {} · {}</li>',
        (
            (
                reverse("admin:campaigns_recommendation_change", args=[leg.pk]),
                leg.campaign,
                value_change(leg.current_value, leg.proposed_value, change_set.account.currency),
                leg.get_status_display(),
            )
            for leg in change_set.legs.all()
        ),
    )


class LegInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = Recommendation
    fk_name = "change_set"
    verbose_name, verbose_name_plural = "leg", "legs"
    fields = ["campaign", "change", "expected_impact_display", "risk", "status_display"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign", "account")

    @admin.display(description="change")
    def change(self, obj):
        return value_change(obj.current_value, obj.proposed_value, obj.account.currency)

    @admin.display(description="expected impact / day")
    def expected_impact_display(self, obj):
        return money(obj.expected_impact, obj.account.currency)

    @admin.display(description="status")
    def status_display(self, obj):
        return status_badge(obj, RECOMMENDATION_STATUS_COLOURS)


@admin.register(ChangeSet)
class ChangeSetAdmin(SavedFiltersMixin, ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "id",
        "account",
        "pool_display",
        "legs_display",
        "totals",
        "status_display",
        "created_at",
    ]
    list_filter = ["status", account_filter(), ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["account", "pool", "run"]
    ordering = ["-created_at", "-id"]
    inlines = [LegInline]
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "account",
        "pool",
        "run",
        "status",
        "totals",
        "reason",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related(Prefetch("legs", queryset=legs_shown()))
        )

    @admin.display(description="pool", ordering="pool__name")
    def pool_display(self, obj):
        return obj.pool or "default pool"

    @admin.display(description="legs")
    def legs_display(self, obj):
        return format_html('<ul style="margin:0;padding-left:1em">{}</ul>', leg_lines(obj))

    @admin.display(description="total before → after")
    def totals(self, obj):
        return value_change(obj.total_before, obj.total_after, obj.account.currency)

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RECOMMENDATION_STATUS_COLOURS)

    # --- decisions: the whole set, through the services --------------------

    def has_approve_permission(self, request):
        return request.user.has_perm("campaigns.approve_recommendation")

    def has_reject_permission(self, request):
        return request.user.has_perm("campaigns.reject_recommendation")

    @admin.action(description="Approve selected change sets (every leg)", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=True)

    @admin.action(description="Reject selected change sets (every leg)", permissions=["reject"])
    def reject_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=False)

    def _decide_selected(self, request, queryset, *, approve: bool):
        change_sets = list(queryset)
        if not change_sets:
            self.message_user(request, "None of the selected change sets is visible to you.")
            return None
        note = request.POST.get("note", "").strip()
        if request.POST.get("post") != "yes" or (not approve and not note):
            if request.POST.get("post") == "yes":
                self.message_user(request, "A rejection needs a note saying why.", messages.ERROR)
            return self._confirmation_page(request, change_sets, approve=approve, note=note)
        try:
            outcome = change_sets_decide_bulk(
                change_sets=change_sets, actor=request.user, approve=approve, note=note
            )
        except ServiceError as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            return None
        verb = "Approved" if approve else "Rejected"
        if outcome.done:
            self.message_user(
                request,
                f"{verb} {len(outcome.done)} change set(s), every leg with its set.",
                messages.SUCCESS,
            )
        if outcome.refused:
            listed = "; ".join(
                f"#{cs.pk}: {reason}" for cs, reason in outcome.refused[:MAX_REFUSALS_LISTED]
            )
            self.message_user(
                request, f"Refused {len(outcome.refused)}: {listed}", messages.WARNING
            )
        return None

    def _confirmation_page(self, request, change_sets, *, approve: bool, note: str):
        shown = change_sets[:MAX_CONFIRMATION_ROWS]
        context = {
            **self.admin_site.each_context(request),
            "title": "Approve change sets" if approve else "Reject change sets",
            "opts": self.opts,
            "rows": [(cs, self.totals(cs), leg_lines(cs)) for cs in shown],
            "count": len(change_sets),
            "more": len(change_sets) - len(shown),
            "selected_ids": [cs.pk for cs in change_sets],
            "action": "approve_selected" if approve else "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": "Approve" if approve else "Reject",
            "note": note,
            "note_required": not approve,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/campaigns/changeset/decide_selected.html", context)
