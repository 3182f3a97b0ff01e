"""Analysts plan experiments; approvers start, stop and ship them; viewers only read."""

import pytest
from django.core.exceptions import PermissionDenied

from experiments.models import ExperimentStatus
from experiments.services import experiment_ship, experiment_start
from tests.experiments.world import planned


def test_a_viewer_cannot_plan(alice):
    with pytest.raises(PermissionDenied):
        planned(alice.account, alice.viewer)


def test_an_analyst_plans_but_cannot_start(alice):
    experiment = planned(alice.account, alice.analyst)
    with pytest.raises(PermissionDenied):
        experiment_start(experiment=experiment, actor=alice.analyst)
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.PLANNED


def test_an_approver_starts_and_ships_and_the_history_says_who(alice):
    experiment = planned(alice.account, alice.analyst)
    experiment = experiment_start(experiment=experiment, actor=alice.approver)
    assert experiment.seed is not None and experiment.started_by == alice.approver
    shipped = experiment_ship(experiment=experiment, actor=alice.approver, note="clear lift")
    assert shipped.status == ExperimentStatus.SHIPPED
    assert [h.history_user for h in shipped.history.order_by("history_date")] == [
        alice.analyst,
        alice.approver,
        alice.approver,
    ]


def test_another_organizations_approver_cannot_start_it(alice, bob):
    experiment = planned(alice.account, alice.analyst)
    with pytest.raises(PermissionDenied):
        experiment_start(experiment=experiment, actor=bob.approver)
