"""Policies save through policy_save; memberships through their services; both in-org only."""

from decimal import Decimal

from django.urls import reverse

from campaigns.models import GuardrailPolicy, Membership, Role
from tests.campaigns.admin.conftest import change_url, messages_of, policy_form_data


def _delete_url(obj) -> str:
    return reverse("admin:campaigns_membership_delete", args=[obj.pk])


def test_an_admin_edits_the_policy_its_version_goes_up_and_history_says_why(client, tenants):
    alice, _ = tenants
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.policy),
        {**policy_form_data(), "max_budget_increase_pct": "20", "reason": "Quieter quarter"},
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    policy = GuardrailPolicy.objects.get(pk=alice.policy.pk)
    assert policy.max_budget_increase_pct == Decimal("20")
    assert policy.version == 2
    last = policy.history.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (alice.admin, "Quieter quarter")


def test_an_approver_cannot_edit_the_policy(client, tenants):
    alice, _ = tenants
    client.force_login(alice.approver)

    response = client.post(
        change_url(alice.policy), {**policy_form_data(), "max_budget_increase_pct": "90"}
    )

    assert response.status_code == 403
    assert GuardrailPolicy.objects.get(pk=alice.policy.pk).max_budget_increase_pct == 30


def test_an_admin_changes_a_role_and_history_names_him(client, tenants):
    alice, _ = tenants
    client.force_login(alice.admin)

    client.post(
        change_url(alice.membership),
        {"user": alice.viewer.pk, "organization": alice.org.pk, "role": Role.ANALYST},
    )

    membership = Membership.objects.get(pk=alice.membership.pk)
    assert membership.role == Role.ANALYST
    assert membership.history.latest("history_date").history_user == alice.admin


def test_an_admin_cannot_move_a_member_into_bobs_organization(client, tenants):
    alice, bob = tenants
    client.force_login(alice.admin)

    response = client.post(
        change_url(alice.membership),
        {"user": alice.viewer.pk, "organization": bob.org.pk, "role": Role.ADMIN},
    )

    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert Membership.objects.get(pk=alice.membership.pk).organization == alice.org


def test_an_admin_removes_a_member_and_history_records_it(client, tenants):
    alice, _ = tenants
    client.force_login(alice.admin)

    response = client.post(_delete_url(alice.membership), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=alice.membership.pk).exists()
    gone = Membership.history.filter(id=alice.membership.pk).latest("history_date")
    assert gone.history_type == "-"
    assert gone.history_user == alice.admin
    assert any("deleted successfully" in m for m in messages_of(response))


def test_an_approver_cannot_remove_a_member(client, tenants):
    alice, _ = tenants
    client.force_login(alice.approver)

    response = client.post(_delete_url(alice.membership), {"post": "yes"})

    assert response.status_code == 403
    assert Membership.objects.filter(pk=alice.membership.pk).exists()
