"""Experiments over the API: the same roles and tenancy as the console."""

import datetime as dt

from experiments.models import Experiment, ExperimentStatus
from experiments.services import experiment_readout
from tests.api.helpers import client_for
from tests.experiments.world import add_days, campaigns_with_history, days_between, planned

BASE = "/api/v1/experiments/"


def _plan_body(account, **kw):
    return {"account": account.pk, "name": "Holdout via API", "planned_days": 28, **kw}


def test_an_analyst_plans_and_an_approver_starts_and_ships(alice):
    campaigns_with_history(alice.account, 12)

    created = client_for(alice.analyst).post(BASE, _plan_body(alice.account), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "planned" and body["kind"] == "holdout"
    assert 0 < body["mde"] < 0.15 and "12 campaigns" in body["design_reason"]

    approver = client_for(alice.approver)
    started = approver.post(f"{BASE}{body['id']}/start/", {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "running"
    assert {c["arm"] for c in started.json()["campaigns"]} == {"control", "treatment"}

    shipped = approver.post(f"{BASE}{body['id']}/ship/", {"note": "lift"}, format="json")
    assert shipped.json()["status"] == "shipped"


def test_an_analyst_may_not_start_and_a_viewer_may_not_plan(alice):
    experiment = planned(alice.account, alice.analyst)
    refused = client_for(alice.analyst).post(f"{BASE}{experiment.pk}/start/", {}, format="json")
    assert refused.status_code == 403
    viewer = client_for(alice.viewer)
    assert viewer.post(BASE, _plan_body(alice.account), format="json").status_code == 403
    assert viewer.get(f"{BASE}{experiment.pk}/").status_code == 200


def test_a_plan_that_cannot_detect_anything_is_a_400_in_words(alice):
    response = client_for(alice.analyst).post(BASE, _plan_body(alice.account), format="json")
    assert response.status_code == 400
    assert "an experiment needs at least two" in response.json()["message"]


def test_starting_twice_is_a_409_naming_the_state(alice):
    experiment = planned(alice.account, alice.analyst)
    approver = client_for(alice.approver)
    approver.post(f"{BASE}{experiment.pk}/start/", {}, format="json")
    again = approver.post(f"{BASE}{experiment.pk}/start/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["current_state"] == "running"


def test_readouts_list_every_look(alice, monkeypatch):
    # A fixed assignment seed: which look the lift shows at depends on the split.
    monkeypatch.setattr("experiments.services.start.secrets.randbelow", lambda _: 7)
    experiment = planned(alice.account, alice.analyst)
    client_for(alice.approver).post(f"{BASE}{experiment.pk}/start/", {}, format="json")
    experiment.refresh_from_db()
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=27)), lift=0.2)
    experiment_readout(experiment=experiment, today=start + dt.timedelta(days=15))
    experiment_readout(experiment=experiment, today=start + dt.timedelta(days=40))

    looks = client_for(alice.viewer).get(f"{BASE}{experiment.pk}/readouts/").json()

    assert [r["look"] for r in looks] == [1, 2]
    assert looks[1]["low"] < looks[1]["estimate"] < looks[1]["high"]
    assert {r["metric"] for r in looks} == {"conversion_value"}


def test_another_organization_sees_nothing_and_cannot_plan_in_it(alice, bob):
    experiment = planned(alice.account, alice.analyst)
    bob_client = client_for(bob.approver)
    assert bob_client.get(BASE).json()["results"] == []
    assert bob_client.get(f"{BASE}{experiment.pk}/").status_code == 404
    assert bob_client.post(f"{BASE}{experiment.pk}/start/", {}, format="json").status_code == 404
    planned_in_alices = bob_client.post(BASE, _plan_body(alice.account), format="json")
    assert planned_in_alices.status_code == 400
    assert "account" in planned_in_alices.json()["fields"]
    assert Experiment.objects.get().status == ExperimentStatus.PLANNED
