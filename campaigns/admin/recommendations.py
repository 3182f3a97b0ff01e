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
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Coalesce, NullIf
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from campaigns.account_time import account_today
from campaigns.admin.base import (
    REFUSALS,
    BoundedChangeList,
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
from campaigns.admin.evidence import Day, evidence_context, percent_sure
from campaigns.admin.filters import account_filter
from campaigns.admin.reallocation_rows import SetSummary, leg_list, legs_of_sets, row_panel
from campaigns.admin.rollback import RecommendationRollbackMixin
from campaigns.admin.saved_filters import SavedFiltersMixin
from campaigns.admin.transitions import TransitionButtonsMixin
from campaigns.change_kinds import KINDS
from campaigns.execution_rules import execution_refusals
from campaigns.guardrails import limits_of
from campaigns.models import (
    ChangeSet,
    DailyMetric,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
)
from campaigns.selectors import policy_for_account, scoped
from campaigns.services.change_set_decisions import change_sets_decide_bulk
from campaigns.services.errors import ServiceError
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendation_requeue,
    recommendations_decide_bulk,
)
from campaigns.versions import structure_in_words

K = RecommendationKind
# The kind in a word, for the queue's narrow column (the full label is its tooltip).
KIND_SHORT = {
    K.BUDGET: "budget",
    K.BID: "bid",
    K.AUDIENCE_ACTIVATE: "activate",
    K.AUDIENCE_SUPPRESS: "suppress",
    K.PAUSE: "pause",
    K.RESUME: "resume",
    K.KEYWORD_ADD: "+keyword",
    K.KEYWORD_REMOVE: "-keyword",
    K.AD_REPLACE: "ad copy",
    K.AD_GROUP_PAUSE: "pause group",
    K.AD_GROUP_RESUME: "resume group",
    K.NEGATIVE_KEYWORD: "negative",
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


def _risk_rank():
    return Case(
        When(risk=Risk.LOW, then=Value(1)),
        When(risk=Risk.MEDIUM, then=Value(2)),
        When(risk=Risk.HIGH, then=Value(3)),
        default=Value(0),
        output_field=IntegerField(),
    )


# Sort keys for the queue's columns. Rows without a value (an audience change has no
# amounts, an old proposal no impact) sort as zero, so the order is the same on
# SQLite, which puts NULL first, and PostgreSQL, which puts it last.
SORT_ANNOTATIONS = {
    "change_ratio": lambda: Coalesce(_relative_change(), Value(0.0)),
    "change_size": lambda: Coalesce(Abs(_relative_change()), Value(0.0)),
    "impact_sort": lambda: Coalesce(Cast(F("expected_impact"), FloatField()), Value(0.0)),
    "risk_rank": lambda: _risk_rank(),
    "confidence_sort": lambda: F("confidence"),
}

# --- reallocations in the queue: one row per change set ------------------------------
#
# Design: the queue stays the recommendation changelist, and a change set is shown by
# one of its legs, its *representative* — the first leg (lowest id) among the rows the
# list's filters and search let through, so a set is listed whenever any of its legs
# matches. That row is drawn as the whole set (every leg inside a <details>, totals,
# the set's status), sorts by the set's values (SET_SORT_ANNOTATIONS: impact is the
# set's total, size the share of the pool it moves, risk and confidence its worst
# leg's) and, ticked for a bulk decision, stands for the set: the set is decided by
# change_sets_decide_bulk, never a leg alone. Keeping one model in the list keeps one
# set of filters, sorts, actions and saved views, and the checkbox of a set row is an
# ordinary row id. The grouping is the "sets=grouped" filter, which the queue link
# sets; without it the list shows every leg, as history reads it.
SETS_PARAM, GROUPED = "sets", "grouped"


def shows_sets(request) -> bool:
    return request.GET.get(SETS_PARAM) == GROUPED


def _legs_of_the_set():
    """The legs of the outer row's change set, for a correlated aggregate."""
    return (
        Recommendation.objects.filter(change_set=OuterRef("change_set"))
        .order_by()
        .values("change_set")
    )


def _over_the_set(aggregate):
    return Subquery(_legs_of_the_set().annotate(value=aggregate).values("value")[:1])


def _set_or_own(own, of_the_set):
    """A single change's own value; for a set's representative, the set's."""
    return Case(When(change_set__isnull=True, then=own), default=of_the_set)


def _increase():
    return Case(
        When(
            proposed_value__gt=F("current_value"),
            then=_as_float("proposed_value") - _as_float("current_value"),
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )


SET_SORT_ANNOTATIONS = {
    # A reallocation is zero-sum: its net change is nil.
    "change_ratio": lambda: _set_or_own(SORT_ANNOTATIONS["change_ratio"](), Value(0.0)),
    "change_size": lambda: _set_or_own(
        SORT_ANNOTATIONS["change_size"](),
        Coalesce(
            _over_the_set(Sum(_increase()))
            / NullIf(Cast(F("change_set__total_before"), FloatField()), Value(0.0)),
            Value(0.0),
        ),
    ),
    "impact_sort": lambda: _set_or_own(
        SORT_ANNOTATIONS["impact_sort"](),
        Coalesce(_over_the_set(Sum(_as_float("expected_impact"))), Value(0.0)),
    ),
    "risk_rank": lambda: _set_or_own(_risk_rank(), _over_the_set(Max(_risk_rank()))),
    "confidence_sort": lambda: _set_or_own(F("confidence"), _over_the_set(Min("confidence"))),
    "stands_for_set": lambda: ExpressionWrapper(
        Q(change_set__isnull=False), output_field=BooleanField()
    ),
}


def one_row_per_change_set(queryset):
    """Single changes, and of each change set only its first leg among `queryset`'s rows.

    A correlated NOT EXISTS ("no earlier leg of this set matches too") rather than
    "id IN (the first of each set)": walking the pending rows newest first, the
    database stops at the page's end, where the IN form's OR made SQLite scan every
    row outside a set (390 ms at 1,000,000).
    """
    earlier_leg = queryset.filter(change_set=OuterRef("change_set"), pk__lt=OuterRef("pk"))
    return queryset.filter(~Exists(earlier_leg))


class ReallocationRowsFilter(admin.SimpleListFilter):
    """Every leg of a reallocation as its own row, or one row per set (the queue's way).

    It only declares the parameter: the grouping is done by QueueChangeList once every
    filter and the search have narrowed the list, so a set is found by any of its legs.
    """

    title = "reallocations"
    parameter_name = SETS_PARAM

    def lookups(self, request, model_admin):
        return [(GROUPED, "One row per set")]

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "All":  # Django's label for "no value"
                choice["display"] = "Every leg"
            yield choice

    def queryset(self, request, queryset):
        return queryset


class QueueChangeList(BoundedChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return one_row_per_change_set(queryset) if shows_sets(request) else queryset

    def get_results(self, request):
        super().get_results(request)
        # The legs of the page's sets, in one query whatever their number.
        rows = [obj for obj in self.result_list if getattr(obj, "stands_for_set", False)]
        if rows:
            legs = legs_of_sets({obj.change_set_id for obj in rows})
            for obj in rows:
                obj.set_legs = legs[obj.change_set_id]


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
    if KINDS[rec.kind].structure:
        return structure_in_words(rec)
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


def evidence_as_of(rec: Recommendation):
    """The day the optimiser judged from (its run's), else the account's day it was made."""
    if rec.run_id is not None:
        return rec.run.as_of
    return account_today(rec.account, rec.created_at)


def evidence_days(rec: Recommendation, as_of) -> list[Day]:
    """The two compared weeks' daily totals of the campaign (an ad group's for a bid), as
    reported now; one query."""
    if rec.campaign_id is None:
        return []
    rows = DailyMetric.objects.filter(
        date__gte=as_of - timedelta(days=14), date__lt=as_of, campaign_id=rec.campaign_id
    )
    if rec.kind == K.BID and rec.ad_group_id:
        rows = rows.filter(ad_group_id=rec.ad_group_id)
    daily = (
        rows.values("date")
        .order_by("date")
        .annotate(s=Sum("spend"), c=Sum("conversions"), v=Sum("conversion_value"))
    )
    return [Day(d["date"], d["s"], d["c"], d["v"]) for d in daily]


def execution_warnings(rec: Recommendation, user) -> list[str]:
    """What would block `rec` if it were executed now: the executor's own rules
    (campaigns.execution_rules), asked live. Only for changes still on their way."""
    if rec.status not in (PENDING, RecommendationStatus.APPROVED):
        return []
    if rec.kind in (K.BUDGET, K.BID, K.RESUME, K.PAUSE) and rec.campaign is None:
        return []
    if rec.kind == K.BID and rec.ad_group is None:
        return []
    preview = copy(rec)
    if rec.status == PENDING:
        preview.decided_by = user  # as if approved by the person reading the page
    limits = limits_of(policy_for_account(rec.account))
    return [
        f"{verdict.detail} ({verdict.rule.replace('_', ' ')})"
        for verdict in execution_refusals(preview, limits=limits, now=timezone.now())
    ]


class CappedCountPaginator(Paginator):
    """Counts at most CAP + 1 matching rows.

    A full COUNT over a million recommendations costs more than the page
    itself; past CAP a reviewer narrows with the filters, not page 10,001.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        # Only the key: the sort annotations (a set's totals among them) are not
        # computed for the ten thousand rows counted.
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()


@admin.register(Recommendation)
class RecommendationAdmin(
    SavedFiltersMixin,
    RecommendationRollbackMixin,
    TransitionButtonsMixin,
    ReadOnlyAdminMixin,
    TenantScopedAdmin,
):
    change_list_template = "admin/campaigns/recommendation/change_list.html"
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
        ReallocationRowsFilter,
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
        # The reason is read at the top of the page, with the evidence in words.
        ("The numbers behind it", {"fields": ["evidence_chart_display"]}),
        ("Decision so far", {"fields": ["decided_by", "decided_at", "decision_note"]}),
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
        # For the curious: the page above says it in words.
        ("Raw evidence (JSON)", {"fields": ["evidence_display"], "classes": ["collapse"]}),
    ]
    readonly_fields = flatten_fieldsets(fieldsets)
    transition_note_label = "Note"
    transition_note_help = "Required to reject. Recorded with your decision."
    transition_note_required = False

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not shows_sets(request):
            return queryset.annotate(**{name: make() for name, make in SORT_ANNOTATIONS.items()})
        # A set's row is drawn from its legs, which QueueChangeList.get_results reads:
        # one more query for the page, whatever its number of sets or legs.
        return queryset.annotate(
            **{name: make() for name, make in SET_SORT_ANNOTATIONS.items()}
        ).select_related(
            # Named with the list's own: the changelist adds list_select_related only to
            # a queryset that selects nothing related yet.
            *self.list_select_related,
            "change_set__account",
        )

    def _set_shown(self, obj) -> ChangeSet | None:
        """The change set this row stands for (in the grouped queue), else None."""
        return obj.change_set if getattr(obj, "stands_for_set", False) else None

    def _summary(self, obj) -> SetSummary:
        if not hasattr(obj, "_set_summary"):
            obj._set_summary = SetSummary.of(obj.set_legs)
        return obj._set_summary

    def _set_url(self, change_set: ChangeSet) -> str:
        return reverse(f"{self.admin_site.name}:campaigns_changeset_change", args=[change_set.pk])

    def get_object(self, request, object_id, from_field=None):
        # Django's, on the scoped queryset with what the page reads (its fields, evidence
        # and live checks) joined in: one query instead of five.
        queryset = self.get_queryset(request).select_related(
            "account", "campaign", "ad_group", "audience", "run"
        )
        field = (
            self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    # --- columns -------------------------------------------------------------

    @admin.display(description="account", ordering="account__name")
    def account_display(self, obj):
        # Two accounts may hold campaigns of the same name; this tells them apart.
        return format_html('<span title="{}">{}</span>', obj.account.name, obj.account.name)

    @admin.display(description="campaign or audience", ordering="campaign__name")
    def target(self, obj):
        change_set = self._set_shown(obj)
        if change_set is not None:
            # The legs open below the row, over the list (the stylesheet floats them), so
            # opening one moves nothing; the set's page has them all with their evidence.
            return row_panel(
                change_set,
                obj.set_legs,
                self._summary(obj),
                set_url=self._set_url(change_set),
                admin_site=self.admin_site.name,
            )
        # Audience changes are account-level and name no campaign.
        name = str(obj.campaign or obj.audience or "—")
        return format_html('<span title="{}">{}</span>', name, name)

    @admin.display(description="kind", ordering="kind")
    def kind_short(self, obj):
        if self._set_shown(obj) is not None:
            # "set #N" in the narrow kind column, linked to the set's page (the row's id
            # is its first leg's); the next column counts its campaigns.
            change_set, legs = obj.change_set, self._summary(obj).legs
            return format_html(
                '<a href="{}" title="reallocation #{}: {} budget changes, decided as one">'
                "set #{}</a>",
                self._set_url(change_set),
                change_set.pk,
                legs,
                change_set.pk,
            )
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
        change_set = self._set_shown(obj)
        if change_set is not None:
            summary, currency = self._summary(obj), change_set.account.currency
            return format_html(
                '<span title="{}; the pool\'s total {}">{}</span>',
                summary.moves(currency),
                value_change(change_set.total_before, change_set.total_after, currency),
                summary.moves_short(currency),
            )
        whole = describe_change(obj)
        shown = whole.split(" (")[0] if obj.kind in (K.BUDGET, K.BID) else whole
        return format_html('<span title="{}">{}</span>', whole, shown)

    @admin.display(description="size", ordering="change_size")
    def change_size_display(self, obj):
        """The step, signed; sorted by |proposed - current| / current, whichever direction.
        A set's step is the share of its pool it moves (the increases over the total)."""
        change_set = self._set_shown(obj)
        if change_set is not None:
            if not change_set.total_before:
                return "—"
            share = self._summary(obj).increase / change_set.total_before * 100
            return format_html(
                '<span title="moves {} % of the pool\'s budget">±{} %</span>',
                f"{share:.1f}",
                f"{share:.0f}",
            )
        return percent_change(obj.current_value, obj.proposed_value) or "—"

    @admin.display(description="risk", ordering="risk_rank")
    def risk_display(self, obj):
        if self._set_shown(obj) is not None:
            return format_html(
                '<span title="its riskiest leg">{}</span>', self._summary(obj).risk_label()
            )
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

    @admin.display(description="confidence", ordering="confidence_sort")
    def confidence_display(self, obj):
        if self._set_shown(obj) is not None:
            lowest = self._summary(obj).confidence
            if lowest is None:
                return "—"
            return format_html(
                '<span title="its least sure leg">{} %</span>', f"{lowest * 100:.0f}"
            )
        # "over 99 %" rather than a rounded "100 %", which no estimate earns.
        return "—" if obj.confidence is None else percent_sure(float(obj.confidence))

    @admin.display(description="expected impact / day")
    def expected_impact_display(self, obj):
        return money(obj.expected_impact, obj.account.currency)

    @admin.display(description="impact / day", ordering="impact_sort")
    def impact_short(self, obj):
        # A set's impact is its legs' total: one decision, one figure.
        impact = (
            self._summary(obj).impact if self._set_shown(obj) is not None else obj.expected_impact
        )
        if impact is None:
            return "—"
        # Whole units in the row, read at a glance; to the minor unit in the tooltip.
        exact = money(impact, obj.account.currency)
        rounded = money(impact.quantize(Decimal("1")), obj.account.currency, whole=True)
        return format_html('<span title="{}">{}</span>', exact, rounded)

    @admin.display(description="reason")
    def reason_short(self, obj):
        # One line: the stylesheet cuts it with an ellipsis; the tooltip holds it whole.
        change_set = self._set_shown(obj)
        reason = (change_set.reason if change_set is not None else "") or obj.reason
        return format_html('<span class="reason" title="{}">{}</span>', reason, reason)

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
        change_set = self._set_shown(obj)
        if change_set is not None:
            return status_badge(change_set, RECOMMENDATION_STATUS_COLOURS)
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
        """The approval queue: what awaits a decision, each reallocation one row with its
        legs inside, decided as a whole (see one_row_per_change_set)."""
        url = reverse(f"{self.admin_site.name}:campaigns_recommendation_changelist")
        # Keys in the order a saved view keeps them, so "the queue" saved reads as current.
        return redirect(f"{url}?{urlencode({SETS_PARAM: GROUPED, 'status__exact': PENDING})}")

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
        if obj is not None:
            as_of = evidence_as_of(obj)
            context["evidence"] = evidence_context(obj, evidence_days(obj, as_of), as_of=as_of)
            context["execution_warnings"] = execution_warnings(obj, request.user)
            context["account_time_zone"] = obj.account.time_zone
            context["change_words"] = describe_change(obj)
            if obj.change_set_id is not None:
                context["change_set_url"] = reverse(
                    f"{self.admin_site.name}:campaigns_changeset_change", args=[obj.change_set_id]
                )
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
        """Confirm (with a note) on an intermediate page, then decide each one.

        A ticked leg of a reallocation stands for its whole set (in the grouped queue a
        set's row is its first leg): the sets are decided by change_sets_decide_bulk, all
        legs or none, and only the single changes by recommendations_decide_bulk.
        """
        queryset = queryset.select_related(None).prefetch_related(None)
        # Only what the confirmation page and the refusal messages show: "select
        # all" can pick tens of thousands, and the service re-reads what it decides.
        recommendations = list(
            queryset.filter(change_set__isnull=True)
            .select_related(*self.list_select_related)
            .only(
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
        change_sets = list(
            scoped(ChangeSet.objects.all(), request.user)
            .filter(pk__in=queryset.filter(change_set__isnull=False).values("change_set"))
            .select_related("account", "pool")
            .order_by("pk")
        )
        if not recommendations and not change_sets:
            self.message_user(request, "None of the selected recommendations is visible to you.")
            return None
        note = request.POST.get("note", "").strip()
        if request.POST.get("post") != "yes" or (not approve and not note):
            if request.POST.get("post") == "yes":
                self.message_user(request, "A rejection needs a note saying why.", messages.ERROR)
            return self._confirmation_page(
                request, queryset, recommendations, change_sets, approve=approve, note=note
            )
        try:
            outcome = recommendations_decide_bulk(
                recommendations=recommendations, actor=request.user, approve=approve, note=note
            )
            set_outcome = change_sets_decide_bulk(
                change_sets=change_sets, actor=request.user, approve=approve, note=note
            )
        except ServiceError as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
            return None
        verb = "Approved" if approve else "Rejected"
        if outcome.done:
            self.message_user(
                request, f"{verb} {len(outcome.done)} recommendation(s).", messages.SUCCESS
            )
        if set_outcome.done:
            legs_decided = Recommendation.objects.filter(change_set__in=set_outcome.done).count()
            self.message_user(
                request,
                f"{verb} {len(set_outcome.done)} reallocation(s) as a whole, "
                f"{legs_decided} leg(s) with their set.",
                messages.SUCCESS,
            )
        refused = [
            *(
                f"#{rec.pk} {rec.campaign or rec.audience}: {reason}"
                for rec, reason in outcome.refused
            ),
            *(f"reallocation #{cs.pk}: {reason}" for cs, reason in set_outcome.refused),
        ]
        if refused:
            listed = "; ".join(refused[:MAX_REFUSALS_LISTED])
            more = len(refused) - MAX_REFUSALS_LISTED
            if more > 0:
                listed += f" (and {more} more)"
            self.message_user(request, f"Refused {len(refused)}: {listed}", messages.WARNING)
        return None

    def _confirmation_page(
        self, request, queryset, recommendations, change_sets, *, approve: bool, note: str
    ):
        # With "select all", the choice is the filtered list itself: the page
        # posts that back (select_across) rather than one field per row, which
        # would pass Django's DATA_UPLOAD_MAX_NUMBER_FIELDS at 1,000.
        select_across = request.POST.get("select_across") == "1"
        shown = recommendations[:MAX_CONFIRMATION_ROWS]
        sets_shown = change_sets[:MAX_CONFIRMATION_ROWS]
        legs = legs_of_sets(cs.pk for cs in sets_shown)
        selected = queryset.values_list("pk", flat=True)
        context = {
            **self.admin_site.each_context(request),
            "title": "Approve recommendations" if approve else "Reject recommendations",
            "opts": self.opts,
            "rows": [(rec, describe_change(rec)) for rec in shown],
            "count": len(recommendations),
            "more": len(recommendations) - len(shown),
            "sets": [
                (
                    cs,
                    f"{SetSummary.of(legs[cs.pk]).moves(cs.account.currency)} · pool total "
                    f"{money(cs.total_before, cs.account.currency, whole=True)}",
                    len(legs[cs.pk]),
                    leg_list(legs[cs.pk], cs.account.currency, admin_site=self.admin_site.name),
                )
                for cs in sets_shown
            ],
            "set_count": len(change_sets),
            "more_sets": len(change_sets) - len(sets_shown),
            "select_across": select_across,
            "selected_ids": list(selected[:1] if select_across else selected),
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
