"""List-filter choices and autocomplete answers contain only the user's organizations."""

import pytest

from tests.campaigns.admin.conftest import changelist_url

ACCOUNT_FILTERED = [
    "campaign",
    "recommendation",
    "adgroup",
    "audience",
    "dailymetric",
    "syncrun",
    "quarantinedrow",
    "alert",
    "budgetpool",
]
ORGANIZATION_FILTERED = ["membership", "adaccount", "guardrailpolicy", "alert"]


def _filter_choices(response, parameter: str) -> set[str]:
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", None) == parameter
    )
    return {label for _, label in spec.lookup_choices}


@pytest.mark.parametrize("model_name", ACCOUNT_FILTERED)
def test_the_account_filter_lists_only_alices_accounts(client, tenants, model_name):
    alice, _ = tenants
    client.force_login(alice.viewer)

    choices = _filter_choices(client.get(changelist_url(model_name)), "account")

    assert choices == {str(alice.account)}


@pytest.mark.parametrize("model_name", ORGANIZATION_FILTERED)
def test_the_organization_filter_lists_only_alices_organization(client, tenants, model_name):
    alice, _ = tenants
    client.force_login(alice.viewer)

    choices = _filter_choices(client.get(changelist_url(model_name)), "organization")

    assert choices == {str(alice.org)}


def test_filtering_by_bobs_account_id_shows_nothing_of_bobs(client, tenants):
    alice, bob = tenants
    client.force_login(alice.viewer)

    response = client.get(changelist_url("campaign"), {"account": bob.account.pk})

    assert list(response.context["cl"].result_list) == []


def test_a_superuser_filters_by_any_organizations_account(client, tenants, superuser):
    alice, bob = tenants
    client.force_login(superuser)

    choices = _filter_choices(client.get(changelist_url("campaign")), "account")

    assert {str(alice.account), str(bob.account)} <= choices


AUTOCOMPLETE = [
    # (source model, field, attribute of the tenant that the answer should hold)
    ("recommendation", "campaign", "campaign"),
    ("recommendation", "ad_group", "ad_group"),
    ("recommendation", "audience", "audience"),
    ("guardrailpolicy", "account", "account"),
    ("alert", "campaign", "campaign"),
    ("alert", "account", "account"),
]


def _autocomplete(client, model_name, field_name, term=""):
    return client.get(
        "/admin/autocomplete/",
        {
            "app_label": "campaigns",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )


@pytest.mark.parametrize(("model_name", "field_name", "attribute"), AUTOCOMPLETE)
def test_autocomplete_answers_only_alices_rows(client, tenants, model_name, field_name, attribute):
    alice, _ = tenants
    client.force_login(alice.viewer)

    response = _autocomplete(client, model_name, field_name)

    assert response.status_code == 200
    ids = {r["id"] for r in response.json()["results"]}
    assert ids == {str(getattr(alice, attribute).pk)}


def test_autocomplete_finds_nothing_when_searching_for_bobs_campaign(client, tenants):
    alice, _ = tenants
    client.force_login(alice.viewer)

    response = _autocomplete(client, "recommendation", "campaign", term="bob")

    assert response.json()["results"] == []


@pytest.mark.parametrize(("model_name", "field_name", "attribute"), AUTOCOMPLETE)
def test_autocomplete_answers_a_superuser_with_every_organizations_rows(
    client, tenants, superuser, model_name, field_name, attribute
):
    alice, bob = tenants
    client.force_login(superuser)

    ids = {r["id"] for r in _autocomplete(client, model_name, field_name).json()["results"]}

    assert {str(getattr(alice, attribute).pk), str(getattr(bob, attribute).pk)} <= ids
