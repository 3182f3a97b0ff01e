"""Failed tasks are the dead-letter queue: operators see each error and re-queue it; nobody else."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure, OrmQ

FAILURES = reverse("admin:django_q_failure_changelist")
INDEX = reverse("admin:index")


@pytest.fixture
def failure(db):
    """A failed task as the cluster's monitor records it (math.sqrt(-1))."""
    now = timezone.now()
    return Failure.objects.create(
        id=uuid.uuid4().hex,
        name="sqrt of minus one",
        func="math.sqrt",
        args=(-1,),
        kwargs={},
        result="ValueError: math domain error",
        started=now - timedelta(seconds=1),
        stopped=now,
        success=False,
        attempt_count=1,
    )


def _requeue(client, failure):
    return client.post(
        FAILURES, {"action": "resubmit_task", "_selected_action": [failure.pk], "index": 0}
    )


def test_an_operator_sees_the_failure_with_its_error(client, superuser, failure):
    client.force_login(superuser)

    page = client.get(FAILURES).content.decode()

    assert "sqrt of minus one" in page
    assert "math domain error" in page


def test_an_operator_requeues_a_failed_task_and_it_waits_in_the_queue(client, superuser, failure):
    client.force_login(superuser)

    _requeue(client, failure)

    [queued] = OrmQ.objects.all()
    assert queued.key == get_broker().list_key  # the queue the cluster takes work from
    assert queued.func() == "math.sqrt"
    assert queued.task["args"] == (-1,)
    assert not Failure.objects.exists()  # out of the dead-letter queue once re-queued


def test_the_dashboard_counts_failures_and_links_operators_to_them(client, superuser, failure):
    client.force_login(superuser)

    page = client.get(INDEX).content.decode()

    tile = page.split('id="tile-failed-tasks"')[1].split("</a>")[0]
    assert ">1<" in tile.replace(" ", "").replace("\n", "")
    assert FAILURES in page


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_members_cannot_see_or_requeue_failed_tasks(client, alice, failure, role):
    # Task arguments and results belong to no single tenant.
    client.force_login(getattr(alice, role))

    assert client.get(FAILURES).status_code == 403
    assert _requeue(client, failure).status_code == 403
    assert Failure.objects.exists()
    assert not OrmQ.objects.exists()
