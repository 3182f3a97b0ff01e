"""Recommendations: the review queue. Decisions go through the recommendation services."""

from copy import copy
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.db.models import Case, F, FloatField, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Abs, Cast, Coalesce, NullIf
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from campaigns.admin.base import (
    REFUSALS,
    ReadOnlyAdminMixin,
    TenantScopedAdmin,
    refusal_message,
)
from campaigns.admin.charts import Series, bar_chart, line_chart
from campaigns.admin.display import (
    RECOMMENDATION_STATUS_COLOURS,
    money,
    percent_change,
    pretty_json,
    status_badge,
    value_change,
)
from campaigns.admin.filters import account_filter
from campaigns.admin.rollback import RecommendationRollbackMixin
from campaigns.admin.transitions import TransitionButtonsMixin
from campaigns.models import (
    ChangeSet,
    ChangeSetStatus,
    DailyMetric,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
)
from campaigns.selectors import scoped
from campaigns.services.errors import ServiceError
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendation_requeue,
    recommendations_decide_bulk,
)

K = RecommendationKind
# The kind in a word, for the queue's narrow column (the full label is its tooltip).
KIND_SHORT = {
    K.BUDGET: "budget",
    K.BID: "bid",
    K.AUDIENCE_ACTIVATE: "activate",
    K.AUDIENCE_SUPPRESS: "suppress",
    K.PAUSE: "pause",
    K.RESUME: "resume",
}

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
# Rows named on the confirmation page; "select all" may choose tens of thousands.
MAX_CONFIRMATION_ROWS = 100
EVIDENCE_DAYS = 28
PENDING = RecommendationStatus.PROPOSED
BLOCKED = RecommendationStatus.BLOCKED
# "Approve and next" asks for this in the transition URL's query string.
AND_NEXT = "and_next"
# How far down a filtered list "approve and next" looks for the one after this.
MAX_NEXT_SCAN = 10_000


def _as_float(name: str):
    # SQLite divides integer-valued decimals as integers (6000 / 5000 = 1).
    return Cast(F(name), FloatField())


def _relative_change():
    """(proposed - current) / current; NULL without a current value (or a zero one)."""
    current = _as_float("current_value")
    return (_as_float("proposed_value") - current) / NullIf(current, Value(0.0))


# Sort keys for the queue's columns. Rows without a value (an audience change has no
# amounts, an old proposal no impact) sort as zero, so the order is the same on
# SQLite, which puts NULL first, and PostgreSQL, which puts it last.
SORT_ANNOTATIONS = {
    "change_ratio": lambda: Coalesce(_relative_change(), Value(0.0)),
    "change_size": lambda: Coalesce(Abs(_relative_change()), Value(0.0)),
    "impact_sort": lambda: Coalesce(Cast(F("expected_impact"), FloatField()), Value(0.0)),
    "risk_rank": lambda: Case(
        When(risk=Risk.LOW, then=Value(1)),
        When(risk=Risk.MEDIUM, then=Value(2)),
        When(risk=Risk.HIGH, then=Value(3)),
        default=Value(0),
        output_field=IntegerField(),
    ),
}


def age(when, now) -> str:
    """'40 min', '5 h', '3 d': how long a proposal has waited, at a glance."""
    minutes = max(int((now - when).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


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


def _floats(values) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def evidence_chart(rec: Recommendation):
    """A small chart of the numbers behind a recommendation.

    Budget changes carry their daily spend and conversion value in the
    evidence (the optimiser stores the window it judged). Bid, pause and resume
    changes do not, so the same two series are read from DailyMetric (the ad
    group's for a bid, else the campaign's) for the days before the proposal.
    Audience changes are scores against their thresholds.
    """
    evidence = rec.evidence if isinstance(rec.evidence, dict) else {}
    if rec.kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS):
        intent = evidence.get("intent_score", getattr(rec.audience, "intent_score", None))
        fatigue = evidence.get("fatigue_score", getattr(rec.audience, "fatigue_score", None))
        if intent is None or fatigue is None:
            return "—"
        return bar_chart(
            ["intent", "fatigue"],
            [float(intent), float(fatigue)],
            title="Audience scores (red mark: the policy's threshold)",
            limits=[
                evidence.get("intent_activate_threshold"),
                evidence.get("fatigue_suppress_threshold"),
            ],
        )
    series = evidence.get("series")
    if isinstance(series, dict) and series.get("dates"):
        dates = [str(d)[5:] for d in series["dates"]]
        spend, value = series.get("spend", []), series.get("value", [])
        title = "Daily spend and conversion value the optimiser judged"
    elif rec.campaign_id is not None:
        end = rec.created_at.date()
        rows = DailyMetric.objects.filter(
            date__gt=end - timedelta(days=EVIDENCE_DAYS), date__lte=end
        )
        rows = (
            rows.filter(ad_group_id=rec.ad_group_id)
            if rec.ad_group_id
            else rows.filter(campaign_id=rec.campaign_id)
        )
        daily = list(
            rows.values("date").order_by("date").annotate(s=Sum("spend"), v=Sum("conversion_value"))
        )
        dates = [f"{d['date']:%m-%d}" for d in daily]
        spend, value = [d["s"] for d in daily], [d["v"] for d in daily]
        target = "ad group" if rec.ad_group_id else "campaign"
        title = f"The {target}'s daily spend and conversion value, last {EVIDENCE_DAYS} days"
    else:
        return "—"
    return line_chart(
        dates,
        [Series("spend", _floats(spend)), Series("conversion value", _floats(value))],
        title=title,
        width=560,
        height=170,
    )


class CappedCountPaginator(Paginator):
    """Counts at most CAP + 1 matching rows.

    A full COUNT over a million recommendations costs more than the page
    itself; past CAP a reviewer narrows with the filters, not page 10,001.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()


@admin.register(Recommendation)
class RecommendationAdmin(
    RecommendationRollbackMixin, TransitionButtonsMixin, ReadOnlyAdminMixin, TenantScopedAdmin
):
    # Compact rows for triage: every column fits at 1440 px with the sidebar open and
    # each row is one line (the reason is cut by CSS, whole in its tooltip and on the
    # detail page). The sortable columns sort on annotations (SORT_ANNOTATIONS).
    list_display = [
        "id",
        "account_display",
        "target",
        "kind_short",
        "change_short",
        "change_size_display",
        "impact_short",
        "confidence_display",
        "reason_short",
        "risk_display",
        "requires_approval",
        "status_short",
        "age_display",
    ]
    list_filter = [
        "status",
        account_filter(),
        "kind",
        "risk",
        "requires_approval",
        ("created_at", admin.DateFieldListFilter),
    ]
    # Filters the console's own links use: a campaign page's "all recommendations"
    # and an optimisation run's "proposed by this run"; the queue's "not in a change set".
    extra_lookups = ("campaign", "run__id__exact", "change_set__isnull")
    search_fields = ["campaign__name", "campaign__external_id"]
    list_select_related = ["campaign", "account", "ad_group", "audience"]
    autocomplete_fields = ["campaign", "ad_group", "audience"]
    # No date hierarchy: its DISTINCT-day query scans every matching row (450 ms
    # at 1,000,000); the "created" filter below narrows by date without a query.
    show_full_result_count = False
    paginator = CappedCountPaginator
    # Newest first: a run's proposals are created together at its end, so
    # creation time orders them by run (and the created_at index serves it). The
    # changelist breaks ties by -pk itself; naming -id here would also mark the ID
    # column as sorted, and its sort widgets cost the queue a column's width.
    ordering = ["-created_at"]
    actions = ["approve_selected", "reject_selected", "requeue_selected"]
    fieldsets = [
        (
            "Change",
            {
                "fields": [
                    "account",
                    "campaign",
                    "run",
                    "change_set_link",
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
        ("Why", {"fields": ["reason", "evidence_chart_display", "evidence_display"]}),
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(**{name: make() for name, make in SORT_ANNOTATIONS.items()})
        )

    # --- columns -------------------------------------------------------------

    @admin.display(description="account", ordering="account__name")
    def account_display(self, obj):
        # Two accounts may hold campaigns of the same name; this tells them apart.
        return format_html('<span title="{}">{}</span>', obj.account.name, obj.account.name)

    @admin.display(description="campaign or audience", ordering="campaign__name")
    def target(self, obj):
        # Audience changes are account-level and name no campaign.
        name = str(obj.campaign or obj.audience or "—")
        return format_html('<span title="{}">{}</span>', name, name)

    @admin.display(description="kind", ordering="kind")
    def kind_short(self, obj):
        return format_html(
            '<span title="{}">{}</span>', obj.get_kind_display(), KIND_SHORT[obj.kind]
        )

    @admin.display(description="change")
    def change(self, obj):
        return describe_change(obj)

    @admin.display(description="change", ordering="change_ratio")
    def change_short(self, obj):
        # The whole change (with its percentage) is in the tooltip and on the detail page;
        # the row shows the values, the size column the step.
        whole = describe_change(obj)
        shown = whole.split(" (")[0] if obj.kind in (K.BUDGET, K.BID) else whole
        return format_html('<span title="{}">{}</span>', whole, shown)

    @admin.display(description="size", ordering="change_size")
    def change_size_display(self, obj):
        """The step, signed; sorted by |proposed - current| / current, whichever direction."""
        return percent_change(obj.current_value, obj.proposed_value) or "—"

    @admin.display(description="risk", ordering="risk_rank")
    def risk_display(self, obj):
        return obj.get_risk_display()

    @admin.display(description="age", ordering="-created_at")
    def age_display(self, obj):
        return format_html(
            '<span title="created {}">{}</span>',
            f"{obj.created_at:%Y-%m-%d %H:%M} UTC",
            age(obj.created_at, timezone.now()),
        )

    @admin.display(description="change set")
    def change_set_link(self, obj):
        # A leg is decided with its set; the link leads there.
        if obj.change_set_id is None:
            return "—"
        url = reverse(
            f"{self.admin_site.name}:campaigns_changeset_change", args=[obj.change_set_id]
        )
        return format_html('<a href="{}">reallocation #{}</a>', url, obj.change_set_id)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_display(self, obj):
        return "—" if obj.confidence is None else f"{obj.confidence * 100:.0f} %"

    @admin.display(description="expected impact / day")
    def expected_impact_display(self, obj):
        return money(obj.expected_impact, obj.account.currency)

    @admin.display(description="impact / day", ordering="impact_sort")
    def impact_short(self, obj):
        if obj.expected_impact is None:
            return "—"
        # Whole units in the row, read at a glance; to the minor unit in the tooltip.
        exact = money(obj.expected_impact, obj.account.currency)
        rounded = money(
            obj.expected_impact.quantize(Decimal("1")), obj.account.currency, whole=True
        )
        return format_html('<span title="{}">{}</span>', exact, rounded)

    @admin.display(description="reason")
    def reason_short(self, obj):
        # One line: the stylesheet cuts it with an ellipsis; the tooltip holds it whole.
        return format_html('<span class="reason" title="{}">{}</span>', obj.reason, obj.reason)

    @admin.display(description="the numbers behind it")
    def evidence_chart_display(self, obj):
        return evidence_chart(obj)

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RECOMMENDATION_STATUS_COLOURS)

    @admin.display(description="status", ordering="status")
    def status_short(self, obj):
        # A leg of a reallocation says so beside its state (it is decided with its set),
        # rather than in a column of its own that is empty for every single change.
        badge_html = status_badge(obj, RECOMMENDATION_STATUS_COLOURS)
        if obj.change_set_id is None:
            return badge_html
        url = reverse(
            f"{self.admin_site.name}:campaigns_changeset_change", args=[obj.change_set_id]
        )
        return format_html(
            '{} <a href="{}" title="decided with reallocation #{}">set #{}</a>',
            badge_html,
            url,
            obj.change_set_id,
            obj.change_set_id,
        )

    @admin.display(description="evidence")
    def evidence_display(self, obj):
        return pretty_json(obj.evidence)

    @admin.display(description="simulated request")
    def simulated_request_display(self, obj):
        return pretty_json(obj.simulated_request)

    # --- the approval queue ---------------------------------------------------

    def get_urls(self):
        return [
            path(
                "queue/",
                self.admin_site.admin_view(self.queue_view),
                name="campaigns_recommendation_queue",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        """The approval queue: single changes awaiting a decision here, and a link to the
        reallocations, which are decided one row per change set with their legs inside."""
        sets = scoped(ChangeSet.objects.filter(status=ChangeSetStatus.PROPOSED), request.user)
        waiting = sets.count()
        if waiting:
            sets_url = reverse(f"{self.admin_site.name}:campaigns_changeset_changelist")
            self.message_user(
                request,
                format_html(
                    '{} reallocation(s) await a decision as a whole: <a href="{}?status__exact={}">'
                    "the change-set queue</a>.",
                    waiting,
                    sets_url,
                    ChangeSetStatus.PROPOSED,
                ),
                messages.INFO,
            )
        url = reverse(f"{self.admin_site.name}:campaigns_recommendation_changelist")
        return redirect(f"{url}?status__exact={PENDING}&change_set__isnull=True")

    # --- state buttons -------------------------------------------------------

    def may_take(self, request, obj, name):
        if obj.change_set_id is not None and name in ("approve", "reject"):
            return False  # decided with its change set, on the set's page
        perm = TRANSITION_PERMISSIONS.get(name)
        return perm is not None and request.user.has_perm(perm, obj)

    def take_transition(self, request, obj, name, note):
        service = TRANSITION_SERVICES.get(name)
        if service is None:
            raise ServiceError(f"'{name}' is not a decision a person takes here.")
        if name == "approve" and request.GET.get(AND_NEXT):
            # Found before deciding: once approved, this one leaves a "proposed" list
            # and its place in the order would be lost.
            request._spectra_next_proposed = self.next_proposed(request, obj)
        return service(recommendation=obj, actor=request.user, note=note)

    # --- approve and next ----------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        buttons = getattr(response, "context_data", {}).get("transitions") or []
        if any(button.name == "approve" and not button.held for button in buttons):
            # The bare transition URL: the one in the context already carries the filters.
            action = reverse(
                f"{self.admin_site.name}:campaigns_recommendation_transition", args=[obj.pk]
            )
            preserved = self.get_preserved_filters(request)
            query = urlencode({AND_NEXT: "1"}) + (f"&{preserved}" if preserved else "")
            response.context_data["transition_extra_buttons"] = [
                {"name": "approve", "label": "Approve and next", "formaction": f"{action}?{query}"}
            ]
        return response

    def next_proposed(self, request, obj) -> int | None:
        """The PROPOSED recommendation after `obj` in the list the person came from.

        That list is the changelist with the filters, search and sort kept in
        `_changelist_filters`, built by the changelist itself so the order is
        exactly the one on screen. Legs of a change set are skipped (they are
        decided with their set). Past the last one it wraps to the first.
        """
        listing = copy(request)
        listing.GET = QueryDict(request.GET.get("_changelist_filters", ""))
        try:
            rows = self.get_changelist_instance(listing).queryset
        except (IncorrectLookupParameters, SuspiciousOperation):
            rows = self.get_queryset(request).order_by(*self.ordering)
        ids = rows.filter(Q(status=PENDING, change_set__isnull=True) | Q(pk=obj.pk))
        first, seen = None, False
        for pk in ids.values_list("pk", flat=True)[:MAX_NEXT_SCAN].iterator(chunk_size=500):
            if pk == obj.pk:
                seen = True
            elif seen:
                return pk
            elif first is None:
                first = pk
        return first

    def transition_done_url(self, request, obj, name):
        if name != "approve" or not request.GET.get(AND_NEXT):
            return None
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        following = getattr(request, "_spectra_next_proposed", None)
        if following is None:
            self.message_user(request, "No proposed recommendation is left in this list.")
            url = reverse(f"{self.admin_site.name}:campaigns_recommendation_changelist")
        else:
            url = reverse(
                f"{self.admin_site.name}:campaigns_recommendation_change", args=[following]
            )
        return add_preserved_filters(context, url)

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

    @admin.action(
        description="Re-queue selected blocked recommendations for execution",
        permissions=["approve"],
    )
    def requeue_selected(self, request, queryset):
        """Put BLOCKED changes back in the execution queue, each through the service.

        The service checks the role in each row's organization and the state
        again; a refusal names the row and why, and never stops the others.
        """
        done, refused = 0, []
        for rec in queryset.select_related("campaign", "audience"):
            if rec.status != BLOCKED:
                why = f"it is {rec.get_status_display().lower()}, not blocked"
                refused.append(f"#{rec.pk} {rec.campaign or rec.audience}: {why}")
                continue
            try:
                recommendation_requeue(
                    recommendation=rec, actor=request.user, note="bulk re-queue in the admin"
                )
            except REFUSALS as exc:
                refused.append(f"#{rec.pk} {rec.campaign or rec.audience}: {refusal_message(exc)}")
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Re-queued {done} blocked recommendation(s).", messages.SUCCESS
            )
        if refused:
            listed = "; ".join(refused[:MAX_REFUSALS_LISTED])
            more = len(refused) - MAX_REFUSALS_LISTED
            if more > 0:
                listed += f" (and {more} more)"
            self.message_user(request, f"Refused {len(refused)}: {listed}", messages.WARNING)

    def _decide_selected(self, request, queryset, *, approve: bool):
        """Confirm (with a note) on an intermediate page, then decide each one."""
        # Only what the confirmation page and the refusal messages show: "select
        # all" can pick tens of thousands, and the service re-reads what it decides.
        recommendations = list(
            queryset.select_related(*self.list_select_related).only(
                "kind",
                "status",
                "current_value",
                "proposed_value",
                "account__currency",
                "campaign__name",
                "campaign__status",  # django-fsm reads the state of every campaign it builds
                "ad_group__name",
                "audience__name",
            )
        )
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
        # With "select all", the choice is the filtered list itself: the page
        # posts that back (select_across) rather than one field per row, which
        # would pass Django's DATA_UPLOAD_MAX_NUMBER_FIELDS at 1,000.
        select_across = request.POST.get("select_across") == "1"
        shown = recommendations[:MAX_CONFIRMATION_ROWS]
        context = {
            **self.admin_site.each_context(request),
            "title": "Approve recommendations" if approve else "Reject recommendations",
            "opts": self.opts,
            "rows": [(rec, describe_change(rec)) for rec in shown],
            "count": len(recommendations),
            "more": len(recommendations) - len(shown),
            "select_across": select_across,
            "selected_ids": [recommendations[0].pk]
            if select_across
            else [rec.pk for rec in recommendations],
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
