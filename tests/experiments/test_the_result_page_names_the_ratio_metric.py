"""A CPA experiment's result page says the figures are CPA changes, and which way is better."""

import datetime as dt

from django.urls import reverse

from experiments.services import experiment_readout
from tests.experiments.test_cpa_and_roas_readouts_measure_the_ratio_of_sums import (
    add_ratio_days,
)
from tests.experiments.world import days_between, started


def test_a_cpa_result_page_shows_the_cpa_change(alice, client):
    experiment = started(alice.account, alice.analyst, alice.approver, metric="cpa", n=24)
    start = experiment.start_date
    add_ratio_days(
        experiment, days_between(start, start + dt.timedelta(days=27)), conversion_lift=0.25
    )
    experiment_readout(experiment=experiment, today=start + dt.timedelta(days=40))
    client.force_login(alice.viewer)

    page = client.get(reverse("admin:experiments_experiment_change", args=[experiment.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Change in Cost per acquisition (CPA)" in text
    assert "lower is better" in text
    assert "Lift in conversion value" not in text
