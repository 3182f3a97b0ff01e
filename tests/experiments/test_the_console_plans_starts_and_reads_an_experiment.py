"""The console: analysts plan, approvers start and ship, viewers read the result page."""

import datetime as dt

from django.urls import reverse

from experiments.models import Experiment, ExperimentStatus, Readout
from experiments.services import experiment_readout
from tests.experiments.world import add_days, campaigns_with_history, days_between, planned

PLAN = reverse("admin:experiments_experiment_add")
LIST = reverse("admin:experiments_experiment_changelist")


def _page(experiment):
    return reverse("admin:experiments_experiment_change", args=[experiment.pk])


def _act(experiment, action):
    return reverse("admin:experiments_experiment_act", args=[experiment.pk, action])


def test_an_analyst_plans_from_the_console(client, alice):
    campaigns_with_history(alice.account, 12)
    client.force_login(alice.analyst)

    response = client.post(
        PLAN,
        {
            "account": alice.account.pk,
            "name": "Does Spectra pay?",
            "kind": "holdout",
            "metric": "conversion_value",
            "planned_days": 28,
            "planned_looks": 4,
            "alpha": "0.05",
            "power": "0.80",
        },
    )

    experiment = Experiment.objects.get(name="Does Spectra pay?")
    assert response.status_code == 302 and response["Location"] == _page(experiment)
    page = client.get(_page(experiment)).content.decode()
    assert "12 campaigns are enough" in page
    assert f"{experiment.mde:.1%}" in page
    assert 'id="experiment-start"' not in page  # an analyst cannot start it


def test_a_plan_the_service_refuses_is_shown_in_words(client, alice):
    client.force_login(alice.analyst)
    response = client.post(
        PLAN,
        {
            "account": alice.account.pk,
            "name": "No data",
            "kind": "holdout",
            "metric": "conversion_value",
            "planned_days": 28,
            "planned_looks": 4,
            "alpha": "0.05",
            "power": "0.80",
        },
    )
    assert response.status_code == 200
    assert "an experiment needs at least two" in response.content.decode()
    assert not Experiment.objects.exists()


def test_a_viewer_reads_but_may_not_plan_or_act(client, alice):
    experiment = planned(alice.account, alice.analyst)
    client.force_login(alice.viewer)
    assert client.get(PLAN).status_code == 403
    page = client.get(_page(experiment)).content.decode()
    assert "Design and why" in page and 'id="experiment-actions"' not in page
    client.post(_act(experiment, "start"))
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.PLANNED


def test_an_approver_starts_then_ships_the_way_the_result_points(client, alice):
    experiment = planned(alice.account, alice.analyst)
    client.force_login(alice.approver)
    client.post(_act(experiment, "start"))
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=27)), lift=0.25)
    experiment_readout(experiment=experiment, today=start + dt.timedelta(days=40))

    page = client.get(_page(experiment)).content.decode()
    assert "(what the result supports)" in page
    assert 'id="experiment-ship"' in page and "<svg" in page
    client.post(_act(experiment, "ship"), {"note": "clear lift"})

    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.SHIPPED
    assert experiment.decision == "clear lift"


def test_another_organization_sees_nothing_of_it(client, alice, bob):
    experiment = planned(alice.account, alice.analyst)
    client.force_login(bob.approver)
    assert experiment.name not in client.get(LIST).content.decode()
    assert client.get(_page(experiment)).status_code == 302
    client.post(_act(experiment, "start"))
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.PLANNED


def test_the_list_costs_the_same_queries_for_many_experiments(
    client, alice, django_assert_max_num_queries
):
    for n in range(5):
        experiment = Experiment.objects.create(
            account=alice.account, kind="holdout", name=f"E{n}", planned_days=28
        )
        Readout.objects.create(
            experiment=experiment,
            look=1,
            as_of=dt.date(2026, 1, 1),
            estimate=0.05,
            low=-0.01,
            high=0.11,
            decision="keep_running",
        )
    client.force_login(alice.viewer)
    with django_assert_max_num_queries(12):
        page = client.get(LIST).content.decode()
    assert page.count("+5.0%") == 5
