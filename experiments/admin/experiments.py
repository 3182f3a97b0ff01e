"""The experiments console: plan (analyst), start / stop / ship (approver), read the result."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from campaigns.admin.base import (
    REFUSALS,
    ReadOnlyAdminMixin,
    TenantScopedAdmin,
    org_ids_allowing,
    refusal_message,
)
from campaigns.auth import user_can
from campaigns.models import AdAccount
from experiments.admin.forms import PlanForm
from experiments.admin.result import ACTIONS, interval, lift_chart, shown
from experiments.models import Experiment, ExperimentStatus
from experiments.services import (
    ExperimentPlan,
    experiment_cancel,
    experiment_plan,
    experiment_ship,
    experiment_start,
    experiment_stop,
)

S = ExperimentStatus
SERVICES = {
    "start": lambda e, actor, note: experiment_start(experiment=e, actor=actor),
    "stop": lambda e, actor, note: experiment_stop(experiment=e, actor=actor, note=note),
    "ship": lambda e, actor, note: experiment_ship(experiment=e, actor=actor, note=note),
    "cancel": lambda e, actor, note: experiment_cancel(experiment=e, actor=actor, note=note),
}
BUTTONS = {  # what a person may press in each state, in the order shown
    S.PLANNED: [("start", "Start the experiment"), ("cancel", "Cancel the plan")],
    S.RUNNING: [("ship", "Ship to all campaigns"), ("stop", "Stop the experiment")],
}


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    # spectra's admin extends these for prompt tests (their versions are creative's).
    plan_form = PlanForm
    services = SERVICES
    list_display = ["name", "account", "kind", "status", "mde_display", "latest_lift"]
    list_filter = ["status", "kind"]
    list_select_related = ["account"]
    search_fields = ["name"]

    @admin.display(description="detects lifts from")
    def mde_display(self, obj):
        return f"{obj.mde:.1%}" if obj.mde is not None else "—"

    @admin.display(description="latest lift")
    def latest_lift(self, obj):
        looks = [r for r in obj.readouts.all() if r.estimate is not None]  # prefetched
        if not looks:
            return "—"
        readout = max(looks, key=lambda r: r.look)
        return f"{readout.estimate:+.1%} ({interval(readout)})"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("readouts")

    def has_add_permission(self, request):
        return user_can(request.user, "experiments.plan_experiment")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="experiments_experiment_act",
            ),
            *super().get_urls(),
        ]

    # --- plan (the add page) --------------------------------------------------
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        org_ids = org_ids_allowing(request.user, "experiments.plan_experiment")
        accounts = AdAccount.objects.all()
        if org_ids is not None:
            accounts = accounts.filter(organization_id__in=org_ids)
        form = self.plan_form(request.POST or None, accounts=accounts)
        if request.method == "POST" and form.is_valid():
            try:
                experiment = self.plan(form.cleaned_data, actor=request.user)
            except REFUSALS as exc:
                form.add_error(None, refusal_message(exc))
            else:
                self.message_user(request, f"Planned “{experiment}”.", messages.SUCCESS)
                return redirect(
                    reverse("admin:experiments_experiment_change", args=[experiment.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Plan an experiment",
            "form": form,
        }
        return TemplateResponse(request, "admin/experiments/experiment/plan.html", context)

    def plan(self, data: dict, *, actor) -> Experiment:
        plan = ExperimentPlan(
            account=data["account"],
            name=data["name"],
            hypothesis=data["hypothesis"],
            kind=data["kind"],
            metric=data["metric"],
            planned_days=data["planned_days"],
            planned_looks=data["planned_looks"],
            alpha=data["alpha"],
            power=data["power"],
            campaigns=list(data["campaigns"]),
        )
        return experiment_plan(plan=plan, actor=actor)

    def services_for(self, experiment: Experiment) -> dict:
        return self.services

    # --- the result page (the change page) ------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        experiment = self.get_object(request, object_id)
        if experiment is None or not self.has_view_permission(request, experiment):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        readouts = list(experiment.readouts.order_by("look"))
        latest = readouts[-1] if readouts else None
        may_act = user_can(request.user, "experiments.start_experiment", experiment)
        suggested = ACTIONS.get(latest.decision) if latest else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": experiment,
            "title": str(experiment),
            "experiment": experiment,
            "readouts": readouts,
            "latest": latest,
            "shown": shown(experiment, readouts),
            "chart": lift_chart(experiment, readouts) if readouts else "",
            "units": experiment.units.select_related("campaign", "arm"),
            "buttons": [
                {
                    "name": name,
                    "label": label,
                    "url": reverse("admin:experiments_experiment_act", args=[experiment.pk, name]),
                    "suggested": suggested is not None and suggested[0] == name,
                }
                for name, label in (BUTTONS.get(experiment.status, []) if may_act else [])
            ],
        }
        return TemplateResponse(request, "admin/experiments/experiment/result.html", context)

    def act_view(self, request, object_id, action):
        experiment = self.get_object(request, object_id)
        services = self.services_for(experiment) if experiment is not None else {}
        if experiment is None or action not in services or request.method != "POST":
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        note = request.POST.get("note", "").strip()[:500]
        try:
            services[action](experiment, request.user, note)
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), messages.ERROR)
        else:
            self.message_user(request, f"“{experiment}”: {action} done.", messages.SUCCESS)
        return redirect(reverse("admin:experiments_experiment_change", args=[experiment.pk]))
