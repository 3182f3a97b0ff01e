"""A sync or a spend-limit check that fails raises a critical Alert to the account's
organization (once, however often it fails), and the same job succeeding clears it;
global jobs (recovery) alert Spectra's operators. Over HTTP against the sandbox."""

import pytest
from django.conf import settings

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import Alert, AlertKind, Organization
from executors.clients.errors import PlatformError
from executors.tasks import enforce_spend_limits_task, recover_executions_task, sync_account_task
from tests.executors.execution.conftest import set_faults
from tests.spectra.cycle.conftest import synced_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(alice, today_sandbox):
    return synced_account(alice.org, today_sandbox, name="alice shop")


def _platform_down(sandbox):
    set_faults(sandbox, rate=1.0, kinds=["503"])


def _open(**filters):
    return Alert.objects.filter(acknowledged_at__isnull=True, **filters)


def test_a_failed_sync_alerts_its_organization_once_and_clears_when_sync_succeeds(
    account, alice, bob, today_sandbox
):
    _platform_down(today_sandbox)
    for _ in range(2):
        with pytest.raises(PlatformError):
            sync_account_task(account.pk, 2)

    [alert] = _open(kind=AlertKind.SYNC_FAILED)
    assert alert.organization == alice.org and alert.account == account
    assert alert.severity == "critical"
    assert alert.title == "Sync of alice shop (Adobe Advertising) failed"
    assert "stale" in alert.message and "clears itself" in alert.message
    assert not _open(organization=bob.org).exists()

    set_faults(today_sandbox, rate=0.0)
    sync_account_task(account.pk, 2)

    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by.username == SYSTEM_USERNAME
    assert "Cleared: the sync job succeeded" in alert.message
    assert not _open(kind=AlertKind.SYNC_FAILED).exists()


def test_a_spend_limit_check_that_cannot_read_spend_is_a_critical_alert(account, today_sandbox):
    _platform_down(today_sandbox)

    with pytest.raises(PlatformError):
        enforce_spend_limits_task(account.pk)

    [alert] = _open(kind=AlertKind.SPEND_CHECK_FAILED)
    assert alert.account == account
    assert "not paused until the check succeeds" in alert.message

    set_faults(today_sandbox, rate=0.0)
    enforce_spend_limits_task(account.pk)
    assert not _open(kind=AlertKind.SPEND_CHECK_FAILED).exists()


def test_a_failed_recovery_alerts_the_operators_not_a_tenant(alice, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("lease table unreadable")

    monkeypatch.setattr("executors.tasks.recover_executions", broken)
    with pytest.raises(RuntimeError):
        recover_executions_task()

    [alert] = _open(kind=AlertKind.RECOVERY_FAILED)
    assert alert.organization.slug == settings.SPECTRA_OPERATORS_ORG
    assert "lease table unreadable" in alert.message
    assert not _open(organization=alice.org).exists()

    monkeypatch.setattr("executors.tasks.recover_executions", lambda **kwargs: 0)
    recover_executions_task()
    assert not _open(kind=AlertKind.RECOVERY_FAILED).exists()
    assert Organization.objects.filter(slug=settings.SPECTRA_OPERATORS_ORG).count() == 1
