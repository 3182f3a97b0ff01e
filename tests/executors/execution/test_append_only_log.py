"""The execution log can only grow: no update, no delete, no secret in it."""

import pytest
from django.db import DatabaseError, connection, transaction

from executors.models import ExecutionLog
from executors.models.log import AppendOnlyError
from executors.pipeline import execute_recommendation
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.execution.conftest import approved_budget


@pytest.fixture
def log_row(live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    return ExecutionLog.objects.get(recommendation=rec)


def test_the_application_cannot_update_or_delete_a_row(log_row):
    with pytest.raises(AppendOnlyError):
        ExecutionLog.objects.filter(pk=log_row.pk).update(detail="edited")
    with pytest.raises(AppendOnlyError):
        ExecutionLog.objects.filter(pk=log_row.pk).delete()
    with pytest.raises(AppendOnlyError):
        log_row.save()
    with pytest.raises(AppendOnlyError):
        log_row.delete()


def test_the_database_refuses_an_update_that_goes_around_django(log_row):
    table = ExecutionLog._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET detail = 'edited' WHERE id = %s", [log_row.pk])
    assert ExecutionLog.objects.get(pk=log_row.pk).detail != "edited"


def test_no_secret_reaches_the_log(log_row):
    stored = str(ExecutionLog.objects.filter(pk=log_row.pk).values().get())
    for secret in (SANDBOX_CREDENTIALS["client_secret"], "Bearer"):
        assert secret not in stored
