"""The cycle in the console: runs visible to the organization only; admins set the schedule."""

import pytest
from django.core.exceptions import PermissionDenied

from spectra.models import AccountCycle, CycleRun, CycleStatus
from spectra.services import account_cycle_update


@pytest.fixture
def cycles(alice, bob):
    return (
        CycleRun.objects.create(account=alice.account, status=CycleStatus.FAILED, error="boom"),
        CycleRun.objects.create(account=bob.account, status=CycleStatus.SUCCEEDED),
    )


def test_a_viewer_sees_his_organizations_cycles_and_not_the_others(client, alice, cycles):
    client.force_login(alice.viewer)

    page = client.get("/admin/spectra/cyclerun/")

    assert page.status_code == 200
    assert f"/admin/spectra/cyclerun/{cycles[0].pk}/change/" in page.content.decode()
    assert f"/admin/spectra/cyclerun/{cycles[1].pk}/change/" not in page.content.decode()
    assert client.get(f"/admin/spectra/cyclerun/{cycles[1].pk}/change/").status_code == 302


def test_an_admin_shortens_the_interval_with_history_and_the_account_is_due_now(alice):
    schedule = AccountCycle.objects.create(account=alice.account)

    account_cycle_update(
        schedule=schedule, actor=alice.admin, every_minutes=60, enabled=True, reason="hourly"
    )

    schedule.refresh_from_db()
    assert schedule.every_minutes == 60 and schedule.next_due_at is not None
    record = schedule.history.latest()
    assert record.history_user == alice.admin and record.history_change_reason == "hourly"


@pytest.mark.parametrize("role", ["viewer", "analyst", "approver"])
def test_only_an_admin_changes_the_schedule(alice, role):
    schedule = AccountCycle.objects.create(account=alice.account)
    with pytest.raises(PermissionDenied):
        account_cycle_update(
            schedule=schedule, actor=getattr(alice, role), every_minutes=5, enabled=True
        )


def test_an_admin_of_another_organization_cannot_change_it(alice, bob):
    schedule = AccountCycle.objects.create(account=alice.account)
    with pytest.raises(PermissionDenied):
        account_cycle_update(schedule=schedule, actor=bob.admin, every_minutes=5, enabled=False)
