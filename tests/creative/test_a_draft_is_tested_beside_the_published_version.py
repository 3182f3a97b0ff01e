"""A draft's pass rates on the golden briefs stand beside the published version's before
anyone publishes it, in the console and from the command line."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django_q.models import OrmQ

from creative.models import PromptTestRun, PromptVersion
from creative.services.prompt_tests import prompt_test_run
from creative.services.prompts import prompt_draft
from creative.tasks import prompt_test_task


def _draft_without_the_product():
    published = PromptVersion.objects.get(name="ad-copy")
    return prompt_draft(
        name="ad-copy",
        system=published.system,
        # The product is left out: the copy can no longer name it.
        template="Ad group theme: {theme}\\nSelling points:\\n{selling_points}\\n{brief}",
        schema="ad_copy",
    )


def test_a_draft_that_forgets_the_product_scores_lower(llm):
    draft = _draft_without_the_product()
    published = PromptVersion.objects.get(name="ad-copy", version=1)

    worse, current = prompt_test_run(version=draft), prompt_test_run(version=published)

    assert worse.expectations_met < current.expectations_met == current.cases


def test_the_command_prints_both_versions_rates(llm):
    _draft_without_the_product()
    out = StringIO()

    call_command("prompt_test", "ad-copy", stdout=out)

    text = out.getvalue()
    assert "ad-copy v2 (draft)" in text and "ad-copy v1 (published)" in text
    assert "expectations met" in text
    assert PromptTestRun.objects.count() == 2


def test_an_operator_runs_the_golden_briefs_from_the_console(llm, client, superuser):
    draft = _draft_without_the_product()
    client.force_login(superuser)

    answer = client.post(
        reverse("admin:creative_promptversion_changelist"),
        {"action": "test_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "queued" in answer.content.decode()
    assert not PromptTestRun.objects.exists()  # the page did not wait for the model

    [queued] = OrmQ.objects.all()  # what a worker runs
    assert queued.func() == "creative.tasks.prompt_test_task"
    prompt_test_task(*queued.task["args"])
    page = client.get(reverse("admin:creative_promptversion_changelist")).content.decode()

    run = PromptTestRun.objects.get(version=draft)
    assert f"{run.expectations_met} of {run.cases} met" in page
