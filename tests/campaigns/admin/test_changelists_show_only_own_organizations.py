"""Every changelist shows a member only his organizations' rows; a superuser sees all."""

import pytest

from tests.campaigns.admin.conftest import TENANT_ROWS, changelist_url

MODELS = sorted(TENANT_ROWS)


def _listed_pks(response) -> set:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("model_name", MODELS)
def test_a_viewer_of_alice_org_sees_alices_rows_and_none_of_bobs(client, tenants, model_name):
    alice, bob = tenants
    client.force_login(alice.viewer)

    response = client.get(changelist_url(model_name))

    assert response.status_code == 200
    listed = _listed_pks(response)
    assert getattr(alice, TENANT_ROWS[model_name]).pk in listed
    assert getattr(bob, TENANT_ROWS[model_name]).pk not in listed
    # Not in a column, a filter choice or a search hint either.
    assert b"bob" not in response.content


@pytest.mark.parametrize("model_name", MODELS)
def test_a_superuser_sees_both_organizations_rows(client, tenants, superuser, model_name):
    alice, bob = tenants
    client.force_login(superuser)

    response = client.get(changelist_url(model_name))

    assert response.status_code == 200
    listed = _listed_pks(response)
    assert getattr(alice, TENANT_ROWS[model_name]).pk in listed
    assert getattr(bob, TENANT_ROWS[model_name]).pk in listed


def test_a_staff_user_without_membership_sees_no_campaigns(client, tenants, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x", is_staff=True)
    client.force_login(loner)

    response = client.get(changelist_url("campaign"))

    assert response.status_code == 403
