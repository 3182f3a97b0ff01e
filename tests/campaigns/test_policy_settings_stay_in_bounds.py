"""A policy's times and counts stay within sane bounds: the API and the admin refuse
others with a message on the field, and the database refuses them from anywhere else.

A recommendation_ttl_hours of 2**31 - 1 was accepted, and then every proposal and
every optimisation under the policy failed: now + that many hours is past year 9999.
"""

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import GuardrailPolicy
from campaigns.models.policies import BOUNDS
from tests.api.helpers import client_for
from tests.campaigns.admin.conftest import change_url, policy_form_data

pytestmark = pytest.mark.django_db

OUT_OF_BOUNDS = [
    (name, value) for name, (low, high) in BOUNDS.items() for value in (low - 1, high + 1)
]


def test_a_huge_recommendation_ttl_is_refused_by_the_api(alice):
    response = client_for(alice.admin).post(
        "/api/v1/policies/",
        {"organization": alice.org.pk, "recommendation_ttl_hours": 2**31 - 1},
        format="json",
    )

    assert response.status_code == 400
    assert "recommendation_ttl_hours" in response.json()["fields"]
    assert not GuardrailPolicy.objects.filter(organization=alice.org).exists()


@pytest.mark.parametrize(("name", "value"), OUT_OF_BOUNDS)
def test_the_api_refuses_a_setting_out_of_bounds_on_that_field(alice, name, value):
    response = client_for(alice.admin).post(
        "/api/v1/policies/", {"organization": alice.org.pk, name: value}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [name]


@pytest.mark.parametrize(("name", "value"), OUT_OF_BOUNDS)
def test_the_admin_refuses_a_setting_out_of_bounds_on_that_field(client, alice, name, value):
    policy = GuardrailPolicy.objects.create(organization=alice.org)
    client.force_login(alice.admin)

    response = client.post(change_url(policy), {**policy_form_data(), name: str(value)})

    assert response.status_code == 200  # the form again, with the error
    assert list(response.context["adminform"].form.errors) == [name]
    policy.refresh_from_db()
    assert policy.version == 1


@pytest.mark.parametrize(("name", "value"), OUT_OF_BOUNDS)
def test_the_database_refuses_a_setting_out_of_bounds(alice, name, value):
    if value < 0:
        pytest.skip("a positive integer column refuses negatives already")
    with pytest.raises(IntegrityError), transaction.atomic():
        GuardrailPolicy.objects.create(organization=alice.org, **{name: value})


def test_the_bounds_themselves_are_accepted(client, alice):
    client.force_login(alice.admin)
    policy = GuardrailPolicy.objects.create(organization=alice.org)
    for name, (low, high) in BOUNDS.items():
        for value in (low, high):
            response = client.post(change_url(policy), {**policy_form_data(), name: str(value)})
            assert response.status_code == 302, (name, value)


def test_no_limit_on_changes_per_run_is_still_allowed(alice):
    response = client_for(alice.admin).post(
        "/api/v1/policies/",
        {"organization": alice.org.pk, "max_changes_per_run": None},
        format="json",
    )

    assert response.status_code == 201
    assert GuardrailPolicy.objects.get(organization=alice.org).max_changes_per_run is None
