"""An analyst plans a holdout from the console; an approver starts it and, once looks are
in, reads the result page — lift and interval over time, the decision, the button."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from experiments.models import Experiment
from experiments.services import experiment_readout
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in
from tests.experiments.world import add_days, campaigns_with_history, days_between

pytestmark = pytest.mark.browser


def test_an_analyst_plans_and_an_approver_reads_the_result(page, alice, bob, browser, live_server):
    campaigns_with_history(alice.account, 14)
    log_in(page, alice.analyst)

    page.goto("/admin/experiments/experiment/add/")
    page.select_option("#id_account", str(alice.account.pk))
    page.fill("#id_name", "Do Spectra's budget moves pay?")
    page.fill("#id_hypothesis", "Conversion value rises 8 % where Spectra's changes apply.")
    page.fill("#id_planned_days", "28")
    page.screenshot(path=str(ARTEFACTS / "experiment_plan_form.png"), full_page=True)
    page.click("#plan-submit")

    expect(page.locator("#experiment-design")).to_contain_text("14 campaigns are enough")
    expect(page.locator("#experiment-mde")).to_contain_text("%")
    expect(page.locator("#experiment-actions")).to_have_count(0)  # analysts do not start
    page.screenshot(path=str(ARTEFACTS / "experiment_planned.png"), full_page=True)

    experiment = Experiment.objects.get()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    approver = context.new_page()
    log_in(approver, alice.approver)
    approver.goto(f"/admin/experiments/experiment/{experiment.pk}/change/")
    approver.click("#experiment-start")
    expect(approver.locator("#experiment-status")).to_contain_text("Running")

    experiment.refresh_from_db()
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=27)), lift=0.15)
    for offset in (15, 22, 29, 36):
        experiment_readout(experiment=experiment, today=start + dt.timedelta(days=offset))
    approver.reload()

    expect(approver.locator("#experiment-chart svg")).to_be_visible()
    expect(approver.locator("#experiment-readouts tbody tr")).to_have_count(4)
    expect(approver.locator("#experiment-decision")).to_contain_text("Ship to all")
    expect(approver.locator("#experiment-ship")).to_contain_text("what the result supports")
    approver.screenshot(path=str(ARTEFACTS / "experiment_result.png"), full_page=True)

    approver.fill("#id_note", "Clear lift at the planned end")
    approver.click("#experiment-ship")
    expect(approver.locator("#experiment-status")).to_contain_text("Shipped to all")
    context.close()
