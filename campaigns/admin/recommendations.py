"""Recommendations: the review queue. Decisions go through the recommendation services."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.template.response import TemplateResponse

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin, refusal_message
from campaigns.admin.display import (
    RECOMMENDATION_STATUS_COLOURS,
    money,
    pretty_json,
    status_badge,
    value_change,
)
from campaigns.admin.filters import account_filter
from campaigns.admin.rollback import RecommendationRollbackMixin
from campaigns.admin.transitions import TransitionButtonsMixin
from campaigns.models import Recommendation, RecommendationKind
from campaigns.services.errors import ServiceError
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendation_requeue,
    recommendations_decide_bulk,
)

K = RecommendationKind

# Which permission each person-facing transition needs; the services check the same.
TRANSITION_PERMISSIONS = {
    "approve": "campaigns.approve_recommendation",
    "reject": "campaigns.reject_recommendation",
    "requeue": "campaigns.approve_recommendation",
}
TRANSITION_SERVICES = {
    "approve": recommendation_approve,
    "reject": recommendation_reject,
    "requeue": recommendation_requeue,
}
MAX_REFUSALS_LISTED = 10


def describe_change(rec: Recommendation) -> str:
    """The change in words, e.g. '₹5,00,000 → ₹6,00,000 (+20 %)'."""
    if rec.kind == K.BUDGET:
        return value_change(rec.current_value, rec.proposed_value, rec.account.currency)
    if rec.kind == K.BID:
        change = value_change(rec.current_value, rec.proposed_value, rec.account.currency)
        return f"{rec.ad_group}: {change}"
    if rec.kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS):
        verb = "Activate" if rec.kind == K.AUDIENCE_ACTIVATE else "Suppress"
        return f"{verb} {rec.audience}"
    return rec.get_kind_display()


@admin.register(Recommendation)
class RecommendationAdmin(
    RecommendationRollbackMixin, TransitionButtonsMixin, ReadOnlyAdminMixin, TenantScopedAdmin
):
    list_display = [
        "id",
        "target",
        "kind",
        "change",
        "confidence_display",
        "risk",
        "requires_approval",
        "status_display",
        "created_at",
    ]
    list_filter = ["status", "kind", "risk", "requires_approval", account_filter()]
    search_fields = ["campaign__name", "campaign__external_id"]
    list_select_related = ["campaign", "account", "ad_group", "audience"]
    autocomplete_fields = ["campaign", "ad_group", "audience"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected"]
    fieldsets = [
        (
            "Change",
            {
                "fields": [
                    "account",
                    "campaign",
                    "run",
                    "ad_group",
                    "audience",
                    "kind",
                    "change",
                    "status",
                    "source",
                    "risk",
                    "requires_approval",
                    "confidence_display",
                    "expected_impact_display",
                    "policy_version",
                    "expires_at",
                ]
            },
        ),
        ("Why", {"fields": ["reason", "evidence_display"]}),
        ("Decision", {"fields": ["decided_by", "decided_at", "decision_note"]}),
        (
            "Execution",
            {
                "fields": [
                    "attempts",
                    "executed_at",
                    "outcome_detail",
                    "simulated_request_display",
                    "rollback_of",
                    "idempotency_key",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = flatten_fieldsets(fieldsets)
    transition_note_label = "Note"
    transition_note_help = "Required to reject. Recorded with your decision."
    transition_note_required = False

    # --- columns -------------------------------------------------------------

    @admin.display(description="campaign or audience", ordering="campaign__name")
    def target(self, obj):
        # Audience changes are account-level and name no campaign.
        return obj.campaign or obj.audience

    @admin.display(description="change")
    def change(self, obj):
        return describe_change(obj)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_display(self, obj):
        return "—" if obj.confidence is None else f"{obj.confidence * 100:.0f} %"

    @admin.display(description="expected impact / day")
    def expected_impact_display(self, obj):
        return money(obj.expected_impact, obj.account.currency)

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RECOMMENDATION_STATUS_COLOURS)

    @admin.display(description="evidence")
    def evidence_display(self, obj):
        return pretty_json(obj.evidence)

    @admin.display(description="simulated request")
    def simulated_request_display(self, obj):
        return pretty_json(obj.simulated_request)

    # --- state buttons -------------------------------------------------------

    def may_take(self, request, obj, name):
        perm = TRANSITION_PERMISSIONS.get(name)
        return perm is not None and request.user.has_perm(perm, obj)

    def take_transition(self, request, obj, name, note):
        service = TRANSITION_SERVICES.get(name)
        if service is None:
            raise ServiceError(f"'{name}' is not a decision a person takes here.")
        return service(recommendation=obj, actor=request.user, note=note)

    # --- bulk decisions ------------------------------------------------------

    def has_approve_permission(self, request):
        return request.user.has_perm("campaigns.approve_recommendation")

    def has_reject_permission(self, request):
        return request.user.has_perm("campaigns.reject_recommendation")

    @admin.action(description="Approve selected recommendations", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=True)

    @admin.action(description="Reject selected recommendations", permissions=["reject"])
    def reject_selected(self, request, queryset):
        return self._decide_selected(request, queryset, approve=False)

    def _decide_selected(self, request, queryset, *, approve: bool):
        """Confirm (with a note) on an intermediate page, then decide each one."""
        recommendations = list(queryset.select_related(*self.list_select_related))
        if not recommendations:
            self.message_user(request, "None of the selected recommendations is visible to you.")
            return None
        note = request.POST.get("note", "").strip()
        if request.POST.get("post") != "yes" or (not approve and not note):
            if request.POST.get("post") == "yes":
                self.message_user(request, "A rejection needs a note saying why.", messages.ERROR)
            return self._confirmation_page(request, recommendations, approve=approve, note=note)
        try:
            outcome = recommendations_decide_bulk(
                recommendations=recommendations, actor=request.user, approve=approve, note=note
            )
        except ServiceError as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            return None
        verb = "Approved" if approve else "Rejected"
        if outcome.done:
            self.message_user(
                request, f"{verb} {len(outcome.done)} recommendation(s).", messages.SUCCESS
            )
        if outcome.refused:
            listed = "; ".join(
                f"#{rec.pk} {rec.campaign or rec.audience}: {reason}"
                for rec, reason in outcome.refused[:MAX_REFUSALS_LISTED]
            )
            more = len(outcome.refused) - MAX_REFUSALS_LISTED
            if more > 0:
                listed += f" (and {more} more)"
            self.message_user(
                request, f"Refused {len(outcome.refused)}: {listed}", messages.WARNING
            )
        return None

    def _confirmation_page(self, request, recommendations, *, approve: bool, note: str):
        context = {
            **self.admin_site.each_context(request),
            "title": "Approve recommendations" if approve else "Reject recommendations",
            "opts": self.opts,
            "rows": [(rec, describe_change(rec)) for rec in recommendations],
            "action": "approve_selected" if approve else "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": "Approve" if approve else "Reject",
            "note": note,
            "note_required": not approve,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/campaigns/recommendation/decide_selected.html", context
        )
