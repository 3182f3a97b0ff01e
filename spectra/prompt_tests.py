"""Prompt tests across the AI layer and experiments, which never call each other.

The versions are creative's (published by Spectra's operators, split live by their traffic
shares); the test is experiments'. Planning checks the two versions are one prompt's and
live; starting records their shares; shipping ends the test and promotes the winner
through the prompt service, by the approver who ships it, only on a readout that says so.
"""

from django.db import transaction

from campaigns.auth import authorize
from campaigns.services.errors import ServiceError
from creative.models import PromptStatus, PromptVersion
from creative.services.prompts import prompt_promote
from experiments.models import Experiment, ExperimentKind, ReadoutDecision
from experiments.services import experiment_ship
from experiments.services.prompt_tests import PromptTestPlan
from experiments.services.prompt_tests import prompt_test_plan as _plan
from experiments.services.prompt_tests import prompt_test_start as _start


def _live(version_id: int, prompt_name: str) -> PromptVersion:
    version = PromptVersion.objects.filter(pk=version_id).first()
    if version is None or version.name != prompt_name:
        raise ServiceError(f"Version #{version_id} is not a version of {prompt_name!r}.")
    if version.status != PromptStatus.PUBLISHED:
        raise ServiceError(
            f"{version} is {version.get_status_display().lower()}: an operator publishes it "
            "beside the live version (a traffic share below 100 %) before it can be tested."
        )
    return version


def prompt_test_plan(*, plan: PromptTestPlan, actor) -> Experiment:
    """Plan a prompt test of two published versions of one prompt (analyst)."""
    authorize(actor, "experiments.plan_experiment", plan.account)
    for version_id in (plan.control_version_id, plan.treatment_version_id):
        _live(version_id, plan.prompt_name)
    return _plan(plan=plan, actor=actor)


def prompt_test_start(*, experiment: Experiment, actor, seed: int | None = None) -> Experiment:
    """Start a prompt test (approver) while both versions are live; their shares are kept."""
    authorize(actor, "experiments.start_experiment", experiment)
    arms = {a.is_control: a for a in experiment.arms.all()}
    control, treatment = (
        _live(arms[k].prompt_version_id, experiment.prompt_name) for k in (True, False)
    )
    return _start(
        experiment=experiment,
        actor=actor,
        shares=(control.traffic_share, treatment.traffic_share),
        seed=seed,
    )


def prompt_test_ship(*, experiment: Experiment, actor, note: str = "") -> Experiment:
    """Ship a prompt test (an operator): the candidate becomes the only live version of
    the prompt, on a latest readout that found it better; the test ends SHIPPED.

    A prompt writes for every organization, so an organization's approver, who may start
    the test on their account, may not make its winner everyone's prompt: that stays
    with Spectra's operators, who alone publish prompt versions."""
    if experiment.kind != ExperimentKind.PROMPT:
        raise ServiceError("Not a prompt test.")
    authorize(actor, "experiments.start_experiment", experiment)
    if not actor.is_superuser:
        raise ServiceError(
            "A prompt writes for every organization: only Spectra's operators ship a prompt "
            "test. Ask them to ship this one; its readout is the evidence."
        )
    latest = experiment.readouts.order_by("-look").first()
    if latest is None or latest.decision != ReadoutDecision.SHIP:
        raise ServiceError(
            "The latest readout does not find the candidate better: stop the test instead."
        )
    arms = {a.is_control: a for a in experiment.arms.all()}
    winner = _live(arms[False].prompt_version_id, experiment.prompt_name)
    evidence = f"prompt test #{experiment.pk}: {latest.explanation}"
    with transaction.atomic():
        shipped = experiment_ship(experiment=experiment, actor=actor, note=note or evidence)
        prompt_promote(version=winner, actor=actor, evidence=evidence)
    return shipped
