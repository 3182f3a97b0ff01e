"""Change, history and version pages of another organization's rows are not found."""

import pytest

from tests.campaigns.admin.conftest import TENANT_ROWS, VERSIONED, change_url, history_url

MODELS = sorted(TENANT_ROWS)


def _is_not_found(response) -> bool:
    # Django's change view answers an unknown id with a redirect to the index
    # ("doesn't exist"); the history views answer 404.
    return response.status_code == 404 or (
        response.status_code == 302 and response.url.rstrip("/").endswith("/admin")
    )


@pytest.mark.parametrize("model_name", MODELS)
def test_bobs_change_page_is_not_found_for_alices_viewer(client, tenants, model_name):
    alice, bob = tenants
    client.force_login(alice.viewer)

    own = client.get(change_url(getattr(alice, TENANT_ROWS[model_name])))
    other = client.get(change_url(getattr(bob, TENANT_ROWS[model_name])))

    assert own.status_code == 200
    assert _is_not_found(other)


@pytest.mark.parametrize("model_name", MODELS)
def test_bobs_history_page_is_not_found_for_alices_viewer(client, tenants, model_name):
    alice, bob = tenants
    client.force_login(alice.viewer)

    own = client.get(history_url(getattr(alice, TENANT_ROWS[model_name])))
    other = client.get(history_url(getattr(bob, TENANT_ROWS[model_name])))

    assert own.status_code == 200
    assert _is_not_found(other)


@pytest.mark.parametrize("model_name", sorted(VERSIONED))
def test_a_version_of_bobs_row_is_not_found_for_alices_viewer(client, tenants, model_name):
    alice, bob = tenants
    client.force_login(alice.viewer)
    own, other = (getattr(t, TENANT_ROWS[model_name]) for t in (alice, bob))

    own_version = own.history.latest("history_date")
    other_version = other.history.latest("history_date")

    assert client.get(f"{history_url(own)}{own_version.history_id}/").status_code == 200
    assert client.get(f"{history_url(other)}{other_version.history_id}/").status_code == 404
    # Nor by pairing alice's object id with one of bob's version ids.
    assert client.get(f"{history_url(own)}{other_version.history_id}/").status_code == 404


def test_the_history_of_a_removed_membership_stays_visible_to_its_own_organization(client, tenants):
    alice, bob = tenants
    gone_pk = alice.membership.pk
    alice.membership.delete()
    client.force_login(alice.admin)

    assert client.get(f"/admin/campaigns/membership/{gone_pk}/history/").status_code == 200
    bob_gone = bob.membership.pk
    bob.membership.delete()
    assert client.get(f"/admin/campaigns/membership/{bob_gone}/history/").status_code == 404


@pytest.mark.parametrize("model_name", MODELS)
def test_a_superuser_opens_every_organizations_pages(client, tenants, superuser, model_name):
    _, bob = tenants
    client.force_login(superuser)
    obj = getattr(bob, TENANT_ROWS[model_name])

    assert client.get(change_url(obj)).status_code == 200
    assert client.get(history_url(obj)).status_code == 200
