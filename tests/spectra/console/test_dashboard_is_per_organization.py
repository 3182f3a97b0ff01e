"""Bob's dashboard shows none of alice's numbers; an operator's shows everyone's."""

from django.urls import reverse

from campaigns.services.switch import organization_execution_set
from spectra.dashboard import ops_dashboard
from tests.spectra.console.conftest import busy_account

INDEX = reverse("admin:index")


def test_bob_sees_none_of_alices_numbers(client, alice, bob):
    alices_account, _ = busy_account(alice.org, spend="98765.00", limit="99999.00")
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="Alice's freeze"
    )
    client.force_login(bob.admin)

    data = ops_dashboard(user=bob.admin)
    page = client.get(INDEX).content.decode()

    assert data.pending_approvals == 1  # bob's own recommendation only
    assert data.executions_today == {"executed": 0, "failed": 0, "blocked": 0, "simulated": 0}
    assert [a.name for a in data.accounts] == [bob.account.name]
    assert data.open_alerts == 0
    assert data.breakers == {"closed": 1}
    assert data.switches.organizations_off == []
    for alices in (alices_account.name, "98,765", "alice org", "1234", "sync failed"):
        assert alices not in page


def test_a_member_of_both_organizations_sees_both(alice, bob):
    busy_account(alice.org)
    busy_account(bob.org)
    bob.viewer.memberships.create(organization=alice.org, role="viewer")

    data = ops_dashboard(user=bob.viewer)

    assert data.pending_approvals == 4
    assert data.open_alerts == 2
    assert {a.organization for a in data.accounts} == {"alice org", "bob org"}


def test_an_operator_sees_every_organization_and_the_task_queue(client, alice, bob, superuser):
    busy_account(alice.org)
    busy_account(bob.org)
    client.force_login(superuser)

    data = ops_dashboard(user=superuser)
    page = client.get(INDEX).content.decode()

    assert data.pending_approvals == 4
    assert data.executions_today["executed"] == 2
    assert data.tasks is not None
    assert 'id="tile-task-queue"' in page


def test_members_do_not_see_the_task_queue_which_belongs_to_no_tenant(client, alice):
    client.force_login(alice.admin)

    page = client.get(INDEX).content.decode()

    assert ops_dashboard(user=alice.admin).tasks is None
    assert 'id="tile-task-queue"' not in page
    assert 'id="tile-failed-tasks"' not in page
    assert reverse("admin:django_q_failure_changelist") not in page
