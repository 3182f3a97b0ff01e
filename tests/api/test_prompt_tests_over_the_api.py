"""Prompt tests over the API: analysts plan them, approvers start and ship them, and
shipping makes the winning prompt version the only live one."""

from creative.models import PromptStatus
from tests.api.helpers import client_for
from tests.experiments.prompt_world import PROMPT, history, launches, versions

BASE = "/api/v1/experiments/"


def _body(account, control, treatment, **kw):
    return {
        "account": account.pk,
        "kind": "prompt",
        "name": "Warmer headlines",
        "metric": "ctr",
        "planned_days": 28,
        "planned_looks": 1,
        "prompt_name": PROMPT,
        "control_version": control.pk,
        "treatment_version": treatment.pk,
        **kw,
    }


def test_an_analyst_plans_an_approver_starts_and_an_operator_ships_the_winner(alice, superuser):
    from experiments.models import Experiment
    from experiments.services import experiment_readout

    control, treatment = versions()
    history(alice.account)
    created = client_for(alice.analyst).post(
        BASE, _body(alice.account, control, treatment), format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["kind"] == "prompt" and body["prompt_name"] == PROMPT and 0 < body["mde"] < 0.3
    assert {a["prompt_version"] for a in body["arms"]} == {control.pk, treatment.pk}

    approver = client_for(alice.approver)
    started = approver.post(f"{BASE}{body['id']}/start/", {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "running"
    experiment = Experiment.objects.get(pk=body["id"])
    experiment_readout(experiment=experiment, today=launches(experiment, lift=1.0))

    readouts = approver.get(f"{BASE}{body['id']}/readouts/").json()
    assert readouts[-1]["decision"] == "ship"
    # The prompt writes for every organization: the account's approver cannot ship it.
    refused = approver.post(f"{BASE}{body['id']}/ship/", {"note": "clearer"}, format="json")
    assert refused.status_code == 400
    assert "only Spectra's operators" in refused.json()["message"]
    control.refresh_from_db()
    assert control.status == PromptStatus.PUBLISHED
    shipped = client_for(superuser).post(f"{BASE}{body['id']}/ship/", {}, format="json")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    control.refresh_from_db()
    assert control.status == PromptStatus.RETIRED


def test_shipping_without_a_winning_readout_is_a_400_and_changes_no_prompt(alice, superuser):
    control, treatment = versions()
    history(alice.account)
    body = (
        client_for(alice.analyst)
        .post(BASE, _body(alice.account, control, treatment), format="json")
        .json()
    )
    approver = client_for(alice.approver)
    approver.post(f"{BASE}{body['id']}/start/", {}, format="json")
    refused = client_for(superuser).post(f"{BASE}{body['id']}/ship/", {}, format="json")
    assert refused.status_code == 400
    assert "does not find the candidate better" in refused.json()["message"]
    treatment.refresh_from_db()
    assert treatment.traffic_share == 50


def test_a_prompt_test_without_its_versions_is_a_400_naming_them(alice):
    response = client_for(alice.analyst).post(
        BASE,
        {"account": alice.account.pk, "kind": "prompt", "name": "x", "planned_days": 28},
        format="json",
    )
    assert response.status_code == 400
    assert "control_version" in str(response.json())


def test_bob_cannot_plan_a_prompt_test_in_alices_account(alice, bob):
    control, treatment = versions()
    history(alice.account)
    response = client_for(bob.analyst).post(
        BASE, _body(alice.account, control, treatment), format="json"
    )
    assert response.status_code == 400
    assert "account" in str(response.json())
