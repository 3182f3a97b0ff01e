"""Foreign-key dropdowns offer only rows of organizations where the user may write."""

from datetime import date

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from campaigns.models import ChangeSet, GuardrailPolicy, Membership, Role
from optimizer.models import OptimizationRun
from tests.campaigns.admin.conftest import changelist_url, policy_form_data

CAMPAIGN_ADMINS = [
    model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label == "campaigns"
]
FOREIGN_KEYS = [
    (model_admin, field)
    for model_admin in CAMPAIGN_ADMINS
    for field in model_admin.model._meta.fields
    if isinstance(field, models.ForeignKey)
]


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _choices(model_admin, field, user) -> set:
    formfield = model_admin.formfield_for_foreignkey(field, _request_as(user))
    return set(formfield.queryset)


@pytest.mark.parametrize(
    ("model_admin", "field"),
    FOREIGN_KEYS,
    ids=[f"{a.model._meta.model_name}.{f.name}" for a, f in FOREIGN_KEYS],
)
def test_every_foreign_key_dropdown_is_scoped_to_the_users_organizations(
    tenants, model_admin, field
):
    alice, bob = tenants
    target = field.related_model._meta.model_name
    # Make alice's admin a mere viewer in bob's org: still nothing of bob's to choose.
    Membership.objects.create(user=alice.admin, organization=bob.org, role=Role.VIEWER)

    bob_rows = {
        "organization": bob.org,
        "adaccount": bob.account,
        "campaign": bob.campaign,
        "adgroup": bob.ad_group,
        "audience": bob.audience,
        "recommendation": bob.recommendation,
        "budgetpool": bob.budget_pool,
        "changeset": ChangeSet.objects.create(
            account=bob.account, total_before=10_000, total_after=10_000
        ),
        "optimizationrun": OptimizationRun.objects.create(
            account=bob.account,
            as_of=date(2025, 3, 10),
            window_start=date(2025, 2, 10),
            window_end=date(2025, 3, 9),
        ),
        "user": bob.viewer,
    }

    choices = _choices(model_admin, field, alice.admin)

    assert target in bob_rows, f"add a row of {target} to this test"
    assert bob_rows[target] not in choices


def test_the_policy_form_offers_alices_accounts_but_not_bobs(client, tenants):
    alice, _ = tenants
    client.force_login(alice.admin)

    response = client.get("/admin/campaigns/guardrailpolicy/add/")

    form = response.context["adminform"].form
    assert set(form.fields["account"].queryset) == {alice.account}
    assert set(form.fields["organization"].queryset) == {alice.org}
    assert b"bob" not in response.content


def test_the_membership_form_offers_only_alices_people_and_organization(client, tenants):
    alice, bob = tenants
    client.force_login(alice.admin)

    response = client.get("/admin/campaigns/membership/add/")

    form = response.context["adminform"].form
    assert set(form.fields["organization"].queryset) == {alice.org}
    people = set(form.fields["user"].queryset)
    assert alice.viewer in people
    assert bob.viewer not in people
    assert b"bob" not in response.content


def test_a_viewer_may_choose_nothing(tenants):
    alice, _ = tenants
    policy_admin = next(a for a in CAMPAIGN_ADMINS if a.model._meta.model_name == "guardrailpolicy")
    account_field = policy_admin.model._meta.get_field("account")

    assert _choices(policy_admin, account_field, alice.viewer) == set()


def test_a_superuser_may_choose_any_organizations_account(tenants, superuser):
    alice, bob = tenants
    policy_admin = next(a for a in CAMPAIGN_ADMINS if a.model._meta.model_name == "guardrailpolicy")
    account_field = policy_admin.model._meta.get_field("account")

    assert {alice.account, bob.account} <= _choices(policy_admin, account_field, superuser)


def test_a_policy_cannot_be_filed_under_bobs_account_by_posting_its_id(client, tenants):
    alice, bob = tenants
    client.force_login(alice.admin)
    alice.policy.delete()

    response = client.post(
        "/admin/campaigns/guardrailpolicy/add/",
        {
            "organization": alice.org.pk,
            "account": bob.account.pk,
            **policy_form_data(),
        },
    )

    assert response.status_code == 200  # the form again, with an error
    assert "account" in response.context["adminform"].form.errors
    assert not GuardrailPolicy.objects.filter(account=bob.account).exists()
    assert client.get(changelist_url("guardrailpolicy")).context["cl"].result_count == 0
