"""The console plans a prompt test from the published versions, an approver starts it,
and shipping it from the result page makes the winner the prompt's only live version."""

from django.urls import reverse

from creative.models import PromptStatus
from experiments.models import Experiment, ExperimentStatus
from experiments.services import experiment_readout
from tests.experiments.prompt_world import history, launches, versions

PLAN = reverse("admin:experiments_experiment_add")


def _form(account, control, treatment, **kw):
    return {
        "account": account.pk,
        "name": "Warmer headlines",
        "kind": "prompt",
        "metric": "ctr",
        "planned_days": 28,
        "planned_looks": 1,
        "alpha": "0.05",
        "power": "0.80",
        "control_version": control.pk,
        "treatment_version": treatment.pk,
        **kw,
    }


def _act(experiment, action):
    return reverse("admin:experiments_experiment_act", args=[experiment.pk, action])


def test_an_analyst_plans_an_approver_starts_and_an_operator_ships_a_prompt_test(
    client, alice, superuser
):
    control, treatment = versions()
    history(alice.account)
    client.force_login(alice.analyst)

    response = client.post(PLAN, _form(alice.account, control, treatment))

    experiment = Experiment.objects.get(name="Warmer headlines")
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert 'id="experiment-prompt-arms"' in page and f"version #{treatment.pk}" in page
    assert f"{experiment.mde:.1%}" in page

    client.force_login(alice.approver)
    client.post(_act(experiment, "start"))
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING
    experiment_readout(experiment=experiment, today=launches(experiment, lift=1.0))
    client.post(_act(experiment, "ship"), {"note": "clearly better"})
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING  # an approver cannot: every org's prompt
    client.force_login(superuser)
    client.post(_act(experiment, "ship"), {"note": "clearly better"})

    experiment.refresh_from_db()
    control.refresh_from_db()
    assert experiment.status == ExperimentStatus.SHIPPED
    assert control.status == PromptStatus.RETIRED


def test_versions_of_two_prompts_are_refused_in_words(client, alice):
    from creative.models import PromptVersion

    control, _ = versions()
    other = PromptVersion.objects.create(
        name="strategy-trial",
        version=1,
        system="s",
        template="t",
        schema="ad_copy",
        status=PromptStatus.PUBLISHED,
    )
    history(alice.account)
    client.force_login(alice.analyst)

    response = client.post(PLAN, _form(alice.account, control, other))

    assert response.status_code == 200
    assert "Choose a version of the same prompt." in response.content.decode()
    assert not Experiment.objects.exists()
