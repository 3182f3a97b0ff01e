"""Prompt tests in the experiments console: the plan form offers the published prompt
versions, and starting or shipping a prompt test goes through spectra.prompt_tests (the
versions are creative's, which the experiments app never imports)."""

from django import forms
from django.contrib import admin

from creative.models import PromptStatus, PromptVersion
from experiments.admin.experiments import SERVICES, ExperimentAdmin
from experiments.admin.forms import PlanForm
from experiments.models import Experiment, ExperimentKind
from experiments.services.prompt_tests import PromptTestPlan
from spectra.prompt_tests import prompt_test_plan, prompt_test_ship, prompt_test_start

PROMPT_SERVICES = {
    **SERVICES,
    "start": lambda e, actor, note: prompt_test_start(experiment=e, actor=actor),
    "ship": lambda e, actor, note: prompt_test_ship(experiment=e, actor=actor, note=note),
}


class PromptPlanForm(PlanForm):
    control_version = forms.ModelChoiceField(
        queryset=PromptVersion.objects.none(),
        required=False,
        help_text="A prompt test: the version live now.",
    )
    treatment_version = forms.ModelChoiceField(
        queryset=PromptVersion.objects.none(),
        required=False,
        help_text="A prompt test: the candidate, published beside it by an operator.",
    )
    expected_ad_groups = forms.IntegerField(
        min_value=4,
        required=False,
        help_text="A prompt test: ad groups you expect to launch during it (both arms); "
        "empty: as many as had traffic lately.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            *self.fields["kind"].choices,
            (ExperimentKind.PROMPT, ExperimentKind.PROMPT.label),
        ]
        published = PromptVersion.objects.filter(status=PromptStatus.PUBLISHED)
        self.fields["control_version"].queryset = published
        self.fields["treatment_version"].queryset = published

    def clean(self):
        data = super().clean()
        if data.get("kind") == ExperimentKind.PROMPT:
            for name in ("control_version", "treatment_version"):
                if not data.get(name):
                    self.add_error(name, "A prompt test needs it.")
            control, treatment = data.get("control_version"), data.get("treatment_version")
            if control and treatment and control.name != treatment.name:
                self.add_error("treatment_version", "Choose a version of the same prompt.")
        return data


class PromptAwareExperimentAdmin(ExperimentAdmin):
    plan_form = PromptPlanForm

    def plan(self, data: dict, *, actor) -> Experiment:
        if data["kind"] != ExperimentKind.PROMPT:
            return super().plan(data, actor=actor)
        control = data["control_version"]
        plan = PromptTestPlan(
            account=data["account"],
            name=data["name"],
            hypothesis=data["hypothesis"],
            prompt_name=control.name,
            control_version_id=control.pk,
            treatment_version_id=data["treatment_version"].pk,
            expected_ad_groups=data.get("expected_ad_groups"),
            metric=data["metric"],
            planned_days=data["planned_days"],
            planned_looks=data["planned_looks"],
            alpha=data["alpha"],
            power=data["power"],
        )
        return prompt_test_plan(plan=plan, actor=actor)

    def services_for(self, experiment: Experiment) -> dict:
        return PROMPT_SERVICES if experiment.kind == ExperimentKind.PROMPT else SERVICES


admin.site.unregister(Experiment)
admin.site.register(Experiment, PromptAwareExperimentAdmin)
