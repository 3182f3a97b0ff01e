"""Campaigns (limits and state buttons), and their read-only ad groups and audiences."""

from dataclasses import replace
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from campaigns.account_time import account_time
from campaigns.admin.audit import AuditTimelineMixin
from campaigns.admin.base import (
    DEFAULT_REASON,
    ReadOnlyAdminMixin,
    ScopedTabularInline,
    TenantScopedAdmin,
    reason_field,
)
from campaigns.admin.charts import bar_chart
from campaigns.admin.display import (
    CAMPAIGN_STATUS_COLOURS,
    RECOMMENDATION_STATUS_COLOURS,
    badge,
    money,
    status_badge,
)
from campaigns.admin.filters import account_filter
from campaigns.admin.kpi_columns import KPI_COLUMNS, KpiColumnsMixin, kpi_window_filter
from campaigns.admin.launches import (
    LAUNCH_TRANSITIONS,
    LaunchFormsMixin,
    take_launch_transition,
)
from campaigns.admin.performance import campaign_performance
from campaigns.admin.recommendations import describe_change
from campaigns.admin.rollback import CampaignVersionsMixin
from campaigns.admin.system_changes import SystemChangesToggleMixin
from campaigns.admin.transitions import TransitionButtonsMixin, TransitionTaken
from campaigns.models import AdGroup, Audience, BudgetPool, Campaign
from campaigns.selectors import PENDING_LABELS, with_pending_status_change
from campaigns.services.admin_support import budget_pool_save
from campaigns.services.campaigns import (
    PERSON_TRANSITIONS,
    campaign_pause,
    campaign_pending_status_change,
    campaign_resume,
    campaign_transition,
    campaign_update_limits,
    status_change_message,
)

PERSON_STATUS_CHANGES = {"pause": campaign_pause, "resume": campaign_resume}

RECENT_ROWS = 10
LIMIT_FIELDS = ("max_daily_spend", "total_spend_limit", "target_roas", "target_cpa")


class CampaignLimitsForm(forms.ModelForm):
    reason = reason_field("Recorded in the campaign's history.")

    class Meta:
        model = Campaign
        fields = [*LIMIT_FIELDS, "is_pinned"]

    def clean(self):
        cleaned = super().clean()
        for name in LIMIT_FIELDS:
            value = cleaned.get(name)
            if name in self.fields and value is not None and value <= 0:
                self.add_error(name, "Must be greater than zero; leave it empty for no limit.")
        return cleaned


class AdGroupInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = AdGroup
    fields = ["name", "external_id", "status", "bid_display", "quality_score", "updated"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    @admin.display(description="bid")
    def bid_display(self, obj):
        return money(obj.bid, obj.campaign.account.currency)

    @admin.display(description="updated")
    def updated(self, obj):
        account = obj.campaign.account
        return f"{account_time(account, obj.updated_at)} ({account.time_zone})"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign__account")


@admin.register(Campaign)
class CampaignAdmin(
    LaunchFormsMixin,
    SystemChangesToggleMixin,
    AuditTimelineMixin,
    CampaignVersionsMixin,
    TransitionButtonsMixin,
    KpiColumnsMixin,
    TenantScopedAdmin,
):
    audit_subject = "campaign"
    form = CampaignLimitsForm
    # Fits 1440 px beside the sidebar and the filters: the limits share one column, the
    # account is its name (the platform on hover), spend to date is on the page.
    list_display = [
        "name",
        "account_name",
        "status_display",
        "daily_budget_display",
        *KPI_COLUMNS,
        "limits_display",
        "pinned",
    ]
    list_filter = [
        "status",
        account_filter(),
        "is_pinned",
        kpi_window_filter(link="campaign", account_path="account"),
    ]
    search_fields = ["name", "external_id"]
    list_select_related = ["account"]
    readonly_fields = [
        "name",
        "account",
        "external_id",
        "status_display",
        "budget_pool",
        "daily_budget_display",
        "spend_today_display",
        "spend_to_date_display",
        "last_significant_change_at",
        "lock_expires_at",
        "pacing_display",
        "recent_recommendations",
        "recent_executions",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "account", "external_id", "status_display"]}),
        (
            "Budget and spend",
            {
                "description": "From the platform. The budget changes only through "
                "executed recommendations.",
                "fields": [
                    "budget_pool",
                    "daily_budget_display",
                    "spend_today_display",
                    "spend_to_date_display",
                    "last_significant_change_at",
                    "lock_expires_at",
                ],
            },
        ),
        ("Limits and targets", {"fields": [*LIMIT_FIELDS, "is_pinned"]}),
        ("Pacing", {"fields": ["pacing_display"]}),
        ("Recent changes", {"fields": ["recent_recommendations", "recent_executions"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    # One reason box for every action on the page (Save and the state buttons alike):
    # templates/admin/campaigns/campaign/decision.html draws it under the form, and the
    # state buttons post the same form to the transition view, which reads `reason`.
    edit_fieldsets = ()
    transition_note_field = "reason"
    inlines = [AdGroupInline]

    def get_queryset(self, request):
        # The brief rides along for the launch panel; the account too, as Django applies
        # list_select_related only to a queryset that selects nothing yet.
        return with_pending_status_change(super().get_queryset(request)).select_related(
            "account", "brief__approved_by"
        )

    def kpi_currency(self, obj) -> str:
        return obj.account.currency

    # --- columns -------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        # A person's pause/resume shows as under way until the platform confirms it.
        pending = getattr(obj, "pending_status_change", None)
        if pending in PENDING_LABELS:
            return badge(PENDING_LABELS[pending], CAMPAIGN_STATUS_COLOURS["optimizing"])
        return status_badge(obj, CAMPAIGN_STATUS_COLOURS)

    @admin.display(description="daily budget", ordering="daily_budget")
    def daily_budget_display(self, obj):
        return money(obj.daily_budget, obj.account.currency, whole=True)

    @admin.display(description="spend today", ordering="spend_today")
    def spend_today_display(self, obj):
        return money(obj.spend_today, obj.account.currency)

    @admin.display(description="spend to date", ordering="spend_to_date")
    def spend_to_date_display(self, obj):
        return money(obj.spend_to_date, obj.account.currency)

    @admin.display(description="account", ordering="account__name")
    def account_name(self, obj):
        return format_html('<span title="{}">{}</span>', obj.account, obj.account.name)

    @admin.display(description="pinned", boolean=True, ordering="is_pinned")
    def pinned(self, obj):
        return obj.is_pinned

    @admin.display(description="limits", ordering="max_daily_spend")
    def limits_display(self, obj):
        currency = obj.account.currency
        lines = [
            (money(limit, currency, whole=True), per)
            for limit, per in ((obj.max_daily_spend, "a day"), (obj.total_spend_limit, "in all"))
            if limit is not None
        ]
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), '<span class="nowrap">{} {}</span>', lines)

    # --- pacing, performance, recent changes (the change page) ---------------

    @admin.display(description="spend against the limits")
    def pacing_display(self, obj):
        currency = obj.account.currency
        rows = [
            ("today", obj.spend_today, obj.max_daily_spend, "max daily spend"),
            ("to date", obj.spend_to_date, obj.total_spend_limit, "total spend limit"),
        ]
        lines = []
        for label, spent, limit, limit_name in rows:
            if limit:
                share = (
                    f" ({spent / limit * 100:.0f} % of the {limit_name} {money(limit, currency)})"
                )
            else:
                share = f" (no {limit_name})"
            lines.append(
                (f"pacing-{label.replace(' ', '-')}", label, money(spent, currency), share)
            )
        charts = [
            bar_chart(
                [label],
                [float(spent)],
                width=420,
                limits=[float(limit) if limit else None],
                value_format=lambda v: money(Decimal(str(v)), currency),
            )
            for label, spent, limit, _ in rows
        ]
        return format_html(
            "{}<div>{}{}</div>",
            format_html_join("", '<div id="{}">Spend {}: <strong>{}</strong>{}</div>', lines),
            charts[0],
            charts[1],
        )

    @admin.display(description="recommendations")
    def recent_recommendations(self, obj):
        recs = list(
            obj.recommendations.select_related("account", "ad_group", "audience").order_by(
                "-created_at", "-id"
            )[:RECENT_ROWS]
        )
        all_url = reverse("admin:campaigns_recommendation_changelist") + f"?campaign={obj.pk}"
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:campaigns_recommendation_change", args=[rec.pk]),
                    rec.pk,
                    account_time(obj.account, rec.created_at),
                    describe_change(rec),
                    status_badge(rec, RECOMMENDATION_STATUS_COLOURS),
                    Truncator(rec.reason).chars(80),
                )
                for rec in recs
            ),
        )
        if not recs:
            return "None yet."
        return format_html(
            '<table id="campaign-recommendations"><thead><tr><th></th><th>created ({})</th>'
            "<th>change</th><th>status</th><th>reason</th></tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">All recommendations of this campaign</a></p>',
            obj.account.time_zone,
            rows,
            all_url,
        )

    @admin.display(description="executions")
    def recent_executions(self, obj):
        # By name: campaigns is imported by the executors, never the other way round.
        execution_log = apps.get_model("executors", "ExecutionLog")
        logs = list(
            execution_log.objects.filter(recommendation__campaign=obj).order_by(
                "-created_at", "-id"
            )[:RECENT_ROWS]
        )
        if not logs:
            return "None yet."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td><a href="{}">#{}</a></td>'
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    reverse("admin:executors_executionlog_change", args=[log.pk]),
                    account_time(obj.account, log.created_at, "%Y-%m-%d %H:%M:%S"),
                    log.action,
                    reverse("admin:campaigns_recommendation_change", args=[log.recommendation_id]),
                    log.recommendation_id,
                    log.get_outcome_display(),
                    log.mode,
                    Truncator(log.detail).chars(80),
                )
                for log in logs
            ),
        )
        return format_html(
            '<table id="campaign-executions"><thead><tr><th>when ({})</th><th>action</th>'
            "<th>change</th><th>outcome</th><th>mode</th><th>platform answer</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            obj.account.time_zone,
            rows,
        )

    # --- the page: performance section and the one reason box ------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            performance = campaign_performance(obj, request.GET)
            if performance["problems"]:
                self.message_user(request, " ".join(performance["problems"]), messages.WARNING)
            form = context["adminform"].form
            context.update(
                performance=performance,
                may_act=self.may_edit(request, obj)
                or any(self.may_take(request, obj, t.name) for t in self.offered_transitions(obj)),
                reason_value=form["reason"].value() or "" if form.is_bound else "",
                reason_errors=form.errors.get("reason", ""),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- permissions ------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # campaigns arrive from the platform by sync

    def has_change_permission(self, request, obj=None):
        # The only editable things are the limits, targets and pin.
        return request.user.has_perm("campaigns.change_spend_limits", obj)

    # --- saving through the service ------------------------------------------

    def save_changes(self, request, obj, form, change):
        self.save_with_service(
            request,
            campaign_update_limits,
            campaign=obj,
            actor=request.user,
            reason=form.cleaned_data.get("reason", "").strip() or DEFAULT_REASON,
            max_daily_spend=obj.max_daily_spend,
            total_spend_limit=obj.total_spend_limit,
            target_roas=obj.target_roas,
            target_cpa=obj.target_cpa,
            is_pinned=obj.is_pinned,
        )

    # --- state buttons -----------------------------------------------------------

    def may_take(self, request, obj, name):
        if name in LAUNCH_TRANSITIONS and not (
            hasattr(obj, "brief") and request.user.has_perm("campaigns.change_brief", obj)
        ):
            return False  # a launch's steps need a brief and the right to work on it
        return name in PERSON_TRANSITIONS and request.user.has_perm(
            "campaigns.transition_campaign", obj
        )

    def transition_buttons(self, request, obj):
        """While a pause (resume) is on its way, its button says so and cannot be pressed:
        a second press would only ask for what is already asked."""
        # "Generate assets" is the launch panel's own button, at the top of the page.
        buttons = [
            b
            for b in super().transition_buttons(request, obj)
            if b.name != "start_asset_generation"
        ]
        pending = getattr(obj, "pending_status_change", None)
        if pending not in PENDING_LABELS or pending not in {b.name for b in buttons}:
            return buttons
        change = campaign_pending_status_change(obj)
        held = (
            f"Asked for by {change.decided_by or 'Spectra'} at "
            f"{account_time(obj.account, change.decided_at or change.created_at)} "
            f"({obj.account.time_zone}). "
            f"{status_change_message(change)}"
        )
        return [
            replace(b, label=PENDING_LABELS[pending], held=held) if b.name == pending else b
            for b in buttons
        ]

    def take_transition(self, request, obj, name, note):
        if name in LAUNCH_TRANSITIONS:
            return take_launch_transition(request, obj, name, note)
        if name in PERSON_STATUS_CHANGES:
            # A person's pause/resume must reach the platform: the pipeline writes it.
            already = getattr(obj, "pending_status_change", None) == name
            change = PERSON_STATUS_CHANGES[name](campaign=obj, actor=request.user, reason=note)
            if already:
                # A second press (or a page left open): the service hands back the change
                # on its way and nothing more is sent.
                return TransitionTaken(
                    obj,
                    f"{PENDING_LABELS[name]} already: the {name} asked for by "
                    f"{change.decided_by} is on its way to the platform; nothing more was "
                    "sent.",
                )
            return TransitionTaken(obj, status_change_message(change))
        return campaign_transition(campaign=obj, transition=name, actor=request.user, reason=note)


@admin.register(AdGroup)
class AdGroupAdmin(
    SystemChangesToggleMixin, KpiColumnsMixin, ReadOnlyAdminMixin, TenantScopedAdmin
):
    list_display = [
        "name",
        "campaign",
        "account",
        "status",
        "bid_display",
        *KPI_COLUMNS,
        "quality",
    ]
    list_filter = [
        "status",
        account_filter("campaign__account"),
        kpi_window_filter(link="ad_group", account_path="campaign__account"),
    ]
    search_fields = ["name", "external_id", "campaign__name"]
    list_select_related = ["campaign__account"]
    fields = [
        "campaign",
        "name",
        "external_id",
        "status",
        "bid_display",
        "quality_score",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="account", ordering="campaign__account__name")
    def account(self, obj):
        account = obj.campaign.account
        return format_html('<span title="{}">{}</span>', account, account.name)

    @admin.display(description="quality", ordering="quality_score")
    def quality(self, obj):
        return obj.quality_score

    def kpi_currency(self, obj) -> str:
        return obj.campaign.account.currency

    @admin.display(description="bid", ordering="bid")
    def bid_display(self, obj):
        return money(obj.bid, obj.campaign.account.currency)


@admin.register(Audience)
class AudienceAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "name",
        "account",
        "status",
        "intent_score",
        "fatigue_score",
        "estimated_profiles",
        "updated_at",
    ]
    list_filter = ["status", account_filter()]
    search_fields = ["name", "external_id"]
    list_select_related = ["account"]


class PoolCampaignInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = Campaign
    fields = ["name", "external_id", "status", "daily_budget"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(BudgetPool)
class BudgetPoolAdmin(TenantScopedAdmin):
    list_display = ["name", "account"]
    list_filter = [account_filter()]
    search_fields = ["name", "account__name"]
    list_select_related = ["account"]
    fields = ["account", "name"]
    inlines = [PoolCampaignInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new pool has no campaigns

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and "account" not in readonly:
            readonly.append("account")  # a pool belongs to one account for good
        return readonly

    def save_changes(self, request, obj, form, change):
        self.save_with_service(
            request, budget_pool_save, pool=obj, actor=request.user, reason=DEFAULT_REASON
        )
