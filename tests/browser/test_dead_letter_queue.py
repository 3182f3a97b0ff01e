"""An operator finds a failed task from the dashboard, reads its error and re-queues it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Failure, OrmQ
from playwright.sync_api import expect

from tests.browser.pages import log_in, run_action

pytestmark = pytest.mark.browser


def test_an_operator_requeues_a_failed_task_from_the_dead_letter_queue(page, superuser, alice):
    now = timezone.now()
    failure = Failure.objects.create(
        id=uuid.uuid4().hex,
        name="sync alice account",
        func="math.sqrt",
        args=(-1,),
        kwargs={},
        result="ValueError: math domain error",
        started=now - timedelta(seconds=1),
        stopped=now,
        success=False,
        attempt_count=3,
    )
    log_in(page, superuser)

    page.goto("/admin/")
    tile = page.locator("#tile-failed-tasks")
    expect(tile.locator(".ops-figure")).to_have_text("1")
    tile.click()
    expect(page.locator("#result_list")).to_contain_text("sync alice account")
    expect(page.locator("#result_list")).to_contain_text("math domain error")
    page.check(f"input[name=_selected_action][value='{failure.pk}']")
    run_action(page, "resubmit_task")

    expect(page.locator("#result_list")).to_have_count(0)  # out of the dead-letter queue
    page.goto("/admin/")
    expect(page.locator("#tile-failed-tasks .ops-figure")).to_have_text("0")
    expect(page.locator("#tile-task-queue .ops-figure")).to_have_text("1")  # waiting for a worker
    [queued] = OrmQ.objects.all()
    assert queued.func() == "math.sqrt"
    assert not Failure.objects.exists()
