"""The AI layer in the console: providers (write-only keys), budgets, brand rules, the
metered calls, prices and prompt versions (with a diff of any two)."""

import csv
import difflib
import json
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_q.tasks import async_task

from campaigns.admin.base import ReadOnlyAdminMixin, TenantScopedAdmin
from campaigns.admin.filters import organization_filter
from campaigns.models import Organization
from campaigns.money import money
from campaigns.selectors import scoped
from creative.admin_launch import launch_urls
from creative.invoices import invoice_for
from creative.metering import monthly_budget
from creative.models import (
    AICall,
    AIProvider,
    AISettings,
    BrandRules,
    ModelPrice,
    PromptStatus,
    PromptTestRun,
    PromptVersion,
)
from creative.roi import value_of
from creative.services.prompt_tests import (
    RATINGS,
    golden_cases,
    prompt_test_rate,
)
from creative.services.prompts import PromptError, prompt_publish, prompt_retire
from creative.services.providers import provider_save
from creative.services.settings import ai_settings_save, brand_rules_save


class AIProviderForm(forms.ModelForm):
    api_key = forms.CharField(
        label="API key",
        required=False,
        help_text="Write-only. Blank keeps the stored key; a new base URL clears it.",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    base_url = forms.URLField(assume_scheme="https", max_length=300)

    class Meta:
        model = AIProvider
        fields = [
            "organization",
            "name",
            "base_url",
            "chat_model",
            "image_model",
            "supports_json_schema",
            "timeout_seconds",
            "max_attempts",
            "requests_per_minute",
            "context_tokens",
            "is_default",
        ]


@admin.register(AIProvider)
class AIProviderAdmin(TenantScopedAdmin):
    form = AIProviderForm
    list_display = ["name", "organization", "base_url", "chat_model", "key_display", "is_default"]
    list_filter = [organization_filter()]
    list_select_related = ["organization"]

    @admin.display(description="key")
    def key_display(self, obj):
        return "set" if obj.has_key else "not set"

    def save_changes(self, request, obj, form, change):
        self.save_with_service(
            request,
            provider_save,
            provider=obj,
            actor=request.user,
            api_key=form.cleaned_data.get("api_key") or None,
        )


@admin.register(AISettings)
class AISettingsAdmin(TenantScopedAdmin):
    list_display = ["organization", "monthly_budget"]
    list_select_related = ["organization"]

    def save_changes(self, request, obj, form, change):
        self.save_with_service(request, ai_settings_save, settings_row=obj, actor=request.user)


@admin.register(BrandRules)
class BrandRulesAdmin(TenantScopedAdmin):
    list_display = ["organization"]
    list_select_related = ["organization"]

    def save_changes(self, request, obj, form, change):
        self.save_with_service(request, brand_rules_save, rules=obj, actor=request.user)


@admin.register(AICall)
class AICallAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "created_at",
        "organization",
        "campaign",
        "purpose",
        "model",
        "prompt_version",
        "attempt",
        "input_tokens",
        "output_tokens",
        "images",
        "latency_ms",
        "outcome",
        "cost_display",
    ]
    list_filter = [
        "purpose",
        "outcome",
        organization_filter(),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["organization", "campaign", "prompt_version"]
    show_full_result_count = False

    @admin.display(description="cost (USD)", ordering="cost")
    def cost_display(self, obj):
        return f"${obj.cost:.6f}"

    def get_urls(self):
        return [
            path(
                "invoice/",
                self.admin_site.admin_view(self.invoice_view),
                name="creative_aicall_invoice",
            ),
            path(
                "value/",
                self.admin_site.admin_view(self.value_view),
                name="creative_aicall_value",
            ),
            *launch_urls(self),
            *super().get_urls(),
        ]

    def _organization(self, request):
        """The organization asked for, among the person's own (the first by default)."""
        orgs = list(scoped(Organization.objects.all(), request.user).order_by("name"))
        chosen = request.GET.get("organization", "")
        org = next((o for o in orgs if str(o.pk) == chosen), orgs[0] if orgs else None)
        if org is None or not request.user.has_perm("creative.view_aicall", org):
            raise PermissionDenied
        return org, orgs

    def value_view(self, request):
        """Per campaign: what the AI cost beside what it produced."""
        org, orgs = self._organization(request)
        value = value_of(organization_id=org.pk)
        rows = [
            {
                "row": r,
                "launch_value": money(r.launch_value, r.currency) if r.launched_on else "",
                "launch_spend": money(r.launch_spend, r.currency) if r.launched_on else "",
                "per_dollar": (
                    money(r.value_per_ai_dollar, r.currency)
                    if r.value_per_ai_dollar is not None
                    else ""
                ),
                "expected": money(r.changes_expected_daily, r.currency)
                if r.changes_executed
                else "",
            }
            for r in value.campaigns
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"What the AI is worth to {org}",
            "opts": self.opts,
            "value": value,
            "rows": rows,
            "organization": org,
            "organizations": orgs,
        }
        return TemplateResponse(request, "admin/creative/aicall/value.html", context)

    def invoice_view(self, request):
        """A month's AI bill for one of the person's organizations, on screen or as CSV."""
        org, orgs = self._organization(request)
        raw_month = request.GET.get("month", "")
        try:
            month = datetime.strptime(raw_month, "%Y-%m").date() if raw_month else None
        except ValueError:
            self.message_user(request, f"{raw_month!r} is not a month (YYYY-MM).", messages.ERROR)
            month = None
        month = month or timezone.now().date().replace(day=1)
        invoice = invoice_for(organization_id=org.pk, month=month)
        if request.GET.get("format") == "csv":
            return _invoice_csv(invoice, org)
        context = {
            **self.admin_site.each_context(request),
            "title": f"AI costs of {org} for {month:%B %Y}",
            "opts": self.opts,
            "invoice": invoice,
            "organization": org,
            "organizations": orgs,
            "month_value": f"{month:%Y-%m}",
            "budget": monthly_budget(org.pk),
        }
        return TemplateResponse(request, "admin/creative/aicall/invoice.html", context)


def _invoice_csv(invoice, org) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"spectra-ai-{org.slug}-{invoice.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        ["campaign", "purpose", "calls", "input tokens", "output tokens", "images", "cost (USD)"]
    )
    for line in invoice.lines:
        writer.writerow(
            [
                # A cell that starts with = + - @ is a formula in a spreadsheet.
                ("'" + line.campaign) if line.campaign[:1] in "=+-@" else line.campaign,
                line.purpose,
                line.calls,
                line.input_tokens,
                line.output_tokens,
                line.images,
                f"{line.cost:.2f}",
            ]
        )
    writer.writerow(["total", "", invoice.calls, "", "", "", f"{invoice.total:.2f}"])
    return response


class OperatorsEditAdmin(admin.ModelAdmin):
    """Spectra's own tables (prices, prompts): staff read them, operators change them."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # AI calls and history point at them


@admin.register(ModelPrice)
class ModelPriceAdmin(OperatorsEditAdmin):
    list_display = [
        "model",
        "input_per_million",
        "output_per_million",
        "per_image",
        "effective_from",
        "source",
    ]
    search_fields = ["model"]

    def get_readonly_fields(self, request, obj=None):
        # A price calls were billed at is kept as it was: a new price is a new row.
        return ["model", "effective_from"] if obj is not None else []


@admin.register(PromptVersion)
class PromptVersionAdmin(OperatorsEditAdmin):
    list_display = [
        "name",
        "version",
        "status",
        "traffic_share",
        "schema",
        "published_at",
        "golden_display",
        "diff_link",
    ]
    list_filter = ["name", "status"]
    actions = ["test_selected", "publish_selected", "retire_selected"]
    readonly_fields = [
        "version",
        "variables",
        "status",
        "published_by",
        "published_at",
        "created_by",
    ]

    def has_change_permission(self, request, obj=None):
        # Published or retired: frozen. Generations point at the exact words they used.
        if obj is not None and obj.status != PromptStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("test_runs")

    @admin.display(description="golden briefs (last run)")
    def golden_display(self, obj):
        runs = sorted(obj.test_runs.all(), key=lambda r: r.created_at, reverse=True)
        if not runs:
            return "not run"
        run = runs[0]
        rated = (
            f" · rated {run.human_rating:.1f}/5 ({len(run.ratings)})"
            if run.human_rating is not None
            else " · not rated"
        )
        return format_html(
            '<a href="{}" title="valid first time {} · within limits {} · brand safe {}">'
            "{} of {} met · {} valid{}</a>",
            reverse("admin:creative_prompttestrun_change", args=[run.pk]),
            f"{run.rate('valid_first_time'):.0%}",
            f"{run.rate('within_limits'):.0%}",
            f"{run.rate('brand_safe'):.0%}",
            run.expectations_met,
            run.cases,
            f"{run.rate('schema_valid'):.0%}",
            rated,
        )

    @admin.action(description="Run the golden briefs (Spectra's own cost)")
    def test_selected(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        for version in queryset:
            if not golden_cases(version.name):
                self.message_user(
                    request, f"No golden briefs for {version.name}.", messages.WARNING
                )
                continue
            # Queued, not run here: a real model takes minutes over the golden briefs,
            # longer than a page (or a proxy) waits.
            async_task(
                "creative.tasks.prompt_test_task",
                version.pk,
                request.user.pk,
                task_name=f"prompt test {version}",
                group="prompt-tests",
            )
            self.message_user(
                request,
                f"{version}: the golden briefs are queued; the pass rates appear in this "
                "list when they finish.",
                messages.SUCCESS,
            )

    @admin.display(description="diff")
    def diff_link(self, obj):
        earlier = (
            PromptVersion.objects.filter(name=obj.name, version__lt=obj.version)
            .order_by("-version")
            .values_list("pk", flat=True)
            .first()
        )
        if earlier is None:
            return "—"
        return format_html(
            '<a href="{}/diff/?against={}">against v{}</a>', obj.pk, earlier, obj.version - 1
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/diff/",
                self.admin_site.admin_view(self.diff_view),
                name="creative_promptversion_diff",
            ),
            *super().get_urls(),
        ]

    def diff_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(PromptVersion, pk=pk)
        against = (
            get_object_or_404(PromptVersion, pk=request.GET.get("against") or 0, name=version.name)
            if str(request.GET.get("against", "")).isdigit()
            else None
        )
        if against is None:
            self.message_user(
                request, "Choose a version to compare with (?against=<id>).", messages.ERROR
            )
            lines = []
        else:
            lines = []
            for part in ("system", "template"):
                lines += list(
                    difflib.unified_diff(
                        getattr(against, part).splitlines(),
                        getattr(version, part).splitlines(),
                        fromfile=f"{against} {part}",
                        tofile=f"{version} {part}",
                        lineterm="",
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{version} against {against}" if against else str(version),
            "opts": self.opts,
            "lines": [(line[:1], line) for line in lines],
        }
        return TemplateResponse(request, "admin/creative/promptversion/diff.html", context)

    @admin.action(description="Publish selected drafts (all live traffic)")
    def publish_selected(self, request, queryset):
        for version in queryset:
            try:
                prompt_publish(version=version, actor=request.user)
            except PromptError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Published {version}.", messages.SUCCESS)

    @admin.action(description="Retire selected versions")
    def retire_selected(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        for version in queryset:
            prompt_retire(version=version, actor=request.user)
        self.message_user(request, f"Retired {queryset.count()} version(s).", messages.SUCCESS)


@admin.register(PromptTestRun)
class PromptTestRunAdmin(OperatorsEditAdmin):
    """A run over the golden briefs: each case's output, its scores, and a person's rating."""

    list_display = ["version", "created_at", "cases", "expectations_met", "schema_valid"]
    list_select_related = ["version"]

    def has_add_permission(self, request):
        return False  # runs come from the "run the golden briefs" action or the command

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = get_object_or_404(PromptTestRun.objects.select_related("version"), pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if request.method == "POST":
            if not request.user.is_superuser:
                raise PermissionDenied
            ratings = {}
            for index in range(len(run.results)):
                raw = request.POST.get(f"rating_{index}", "")
                if raw.isdigit():
                    ratings[index] = int(raw)
            try:
                prompt_test_rate(run=run, ratings=ratings, actor=request.user)
            except PromptError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Saved {len(ratings)} rating(s).", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.opts,
            "run": run,
            "cases": [
                (i, case, json.dumps(case.get("output"), indent=2, ensure_ascii=False))
                for i, case in enumerate(run.results)
            ],
            "ratings": list(RATINGS),
            "may_rate": request.user.is_superuser,
        }
        return TemplateResponse(request, "admin/creative/prompttestrun/rate.html", context)
