"""An analyst plans a prompt test of two published versions from the console; an
approver starts it and reads the result; an operator ships the candidate as the live version."""

import pytest
from playwright.sync_api import expect

from creative.models import PromptStatus
from experiments.models import Experiment
from experiments.services import experiment_readout
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in
from tests.experiments.prompt_world import history, launches, versions

pytestmark = pytest.mark.browser


def test_an_analyst_plans_a_prompt_test_and_an_operator_ships_it(
    page, alice, superuser, browser, live_server
):
    control, treatment = versions()
    history(alice.account)
    log_in(page, alice.analyst)

    page.goto("/admin/experiments/experiment/add/")
    page.select_option("#id_account", str(alice.account.pk))
    page.fill("#id_name", "Warmer headlines")
    page.select_option("#id_kind", "prompt")
    page.select_option("#id_metric", "ctr")
    page.fill("#id_planned_days", "28")
    page.fill("#id_planned_looks", "1")
    page.select_option("#id_control_version", str(control.pk))
    page.select_option("#id_treatment_version", str(treatment.pk))
    page.screenshot(path=str(ARTEFACTS / "prompt_test_plan_form.png"), full_page=True)
    page.click("#plan-submit")

    expect(page.locator("#experiment-design")).to_contain_text("Split over launches")
    expect(page.locator("#experiment-prompt-arms")).to_contain_text(f"version #{treatment.pk}")
    expect(page.locator("#experiment-actions")).to_have_count(0)  # analysts do not start

    experiment = Experiment.objects.get()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    approver = context.new_page()
    log_in(approver, alice.approver)
    approver.goto(f"/admin/experiments/experiment/{experiment.pk}/change/")
    approver.click("#experiment-start")
    expect(approver.locator("#experiment-status")).to_contain_text("Running")

    experiment.refresh_from_db()
    experiment_readout(experiment=experiment, today=launches(experiment, lift=1.0))
    approver.reload()
    expect(approver.locator("#experiment-decision")).to_contain_text("Ship to all")
    approver.screenshot(path=str(ARTEFACTS / "prompt_test_result.png"), full_page=True)

    # A prompt writes for every organization: the account's approver is told who ships it.
    approver.fill("#id_note", "Clearly more clicks")
    approver.click("#experiment-ship")
    expect(approver.locator(".messagelist")).to_contain_text("only Spectra's operators")
    expect(approver.locator("#experiment-status")).to_contain_text("Running")

    operators = browser.new_context(
        base_url=live_server.url, viewport={"width": 1440, "height": 900}
    )
    operator = operators.new_page()
    log_in(operator, superuser)
    operator.goto(f"/admin/experiments/experiment/{experiment.pk}/change/")
    operator.fill("#id_note", "Clearly more clicks")
    operator.click("#experiment-ship")
    expect(operator.locator("#experiment-status")).to_contain_text("Shipped to all")
    control.refresh_from_db()
    assert control.status == PromptStatus.RETIRED
    context.close()
    operators.close()
