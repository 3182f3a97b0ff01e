"""The tasks and the command are thin callers of the same services."""

from django.core.management import call_command

from campaigns.models import RecommendationStatus
from executors.tasks import execute_approved_task, recover_executions_task
from tests.executors.execution.conftest import approved_budget


def test_the_execute_task_carries_out_the_accounts_approved_changes(live_account, alice):
    rec = approved_budget(live_account, alice.approver)

    assert execute_approved_task(live_account.pk) == {RecommendationStatus.EXECUTED: 1}
    assert execute_approved_task(live_account.pk) == {}  # a redelivery does nothing
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.EXECUTED
    assert recover_executions_task() == 0


def test_the_execute_command_reports_what_it_did(live_account, alice, capsys):
    approved_budget(live_account, alice.approver)

    call_command("execute", "--account", live_account.pk)

    assert "1 executed" in capsys.readouterr().out
