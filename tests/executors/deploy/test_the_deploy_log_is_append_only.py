"""Every call of a deployment is a DeployLog row that nothing can change or delete."""

import pytest
from django.db import DatabaseError, connection, transaction

from campaigns.actors import system_user
from executors.deploy import deploy_campaign
from executors.models import DeployLog
from executors.models.log import AppendOnlyError
from tests.executors.deploy.conftest import google_account, make_launch

pytestmark = pytest.mark.django_db


def test_deploy_log_rows_cannot_be_changed_or_deleted(alice, sandbox):
    campaign = make_launch(google_account(alice, sandbox))
    deploy_campaign(campaign.pk, actor=system_user())
    row = DeployLog.objects.filter(campaign=campaign).first()

    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        DeployLog.objects.filter(pk=row.pk).update(detail="edited")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE executors_deploylog SET detail = 'edited' WHERE id = %s", [row.pk])
