"""Bob (an admin of organization B) attacks organization A's rows through every
endpoint and action of the API: by id, by filter, by nested reference, through
pagination cursors and the schema. Nothing of A's may show, nothing may change.

Endpoints and actions are read from the router, so a new one is attacked
without anyone remembering to add it here.
"""

import pytest

from api.urls import router
from tests.api.helpers import client_for
from tests.tenancy.conftest import snapshot

pytestmark = pytest.mark.django_db

# What of alice's each endpoint shows (an attribute of the `victim` fixture).
TARGET = {
    "organizations": "org",
    "accounts": "account",
    "campaigns": "campaign",
    "ad-groups": "ad_group",
    "audiences": "audience",
    "metrics": "metric",
    "optimization-runs": "run",
    "recommendations": "recommendation",
    "change-sets": "change_set",
    "executions": "execution",
    "alerts": "alert",
    "policies": "policy",
    "experiments": "experiment",
    "briefs": "brief",
    "assets": "asset",
}
# Filters that take another row's id, and which of alice's rows to pass.
FK_FILTERS = {
    "organization": "org",
    "account": "account",
    "campaign": "campaign",
    "ad_group": "ad_group",
    "audience": "audience",
    "recommendation": "executed",
    "run": "run",
    "rollback_of": "executed",
    "budget_pool": None,
    "pool": None,
    "change_set": "change_set",
}
# A body each write would accept, so only tenancy can stop it.
BODIES = {
    "update": {"name": "pwned", "slug": "pwned", "reason": "x", "is_pinned": True},
    "partial_update": {"name": "pwned", "is_pinned": True, "budget_floor": "1.00"},
    "execution": {"enabled": False, "reason": "x"},
    "execution_mode": {"mode": "live", "reason": "x"},
    "credentials": {"values": {"client_secret": "mine"}},
    "transition": {"transition": "pause", "reason": "x"},
    "rollback": {"note": "x", "history_id": 1},
    "approve": {"note": "x"},
    "reject": {"note": "x"},
    "requeue": {"note": "x"},
    "acknowledge": {},
    "edit_leg": {"leg": 1, "proposed_value": "5000.00", "note": "x"},
    "start": {},
    "stop": {"note": "x"},
    "ship": {"note": "x"},
    "readouts": None,
    "generate": {},
    "review": None,
    "reset": {"reason": "x"},
    "edit": {"text": "pwned"},
    "regenerate": {"note": "x"},
}
ENDPOINTS = [(prefix, viewset) for prefix, viewset, _ in router.registry]
NOT_FOUND = {"code": "not_found", "message": "Not found, or not yours to see."}


def _all_pages(client, url):
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def test_every_endpoint_is_attacked():
    assert {prefix for prefix, _ in ENDPOINTS} == set(TARGET)


@pytest.mark.parametrize("prefix", sorted(TARGET))
def test_bob_lists_and_reads_nothing_of_alices(prefix, victim, bob):
    target = getattr(victim, TARGET[prefix])
    assert any(
        r["id"] == target.pk for r in _all_pages(client_for(victim.admin), f"/api/v1/{prefix}/")
    )
    attacker = client_for(bob.admin)
    listed = _all_pages(attacker, f"/api/v1/{prefix}/?page_size=1")
    assert target.pk not in {r["id"] for r in listed}
    response = attacker.get(f"/api/v1/{prefix}/{target.pk}/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    # Indistinguishable from an id that never existed.
    assert attacker.get(f"/api/v1/{prefix}/987654321/").json() == NOT_FOUND


@pytest.mark.parametrize("prefix", sorted(TARGET))
def test_bob_filtering_by_alices_ids_gets_an_empty_list_like_for_unknown_ids(prefix, victim, bob):
    viewset = dict(ENDPOINTS)[prefix]
    filters = [f for f in viewset.filterset_class.base_filters if f in FK_FILTERS]
    attacker = client_for(bob.admin)
    for name in filters:
        row = getattr(victim, FK_FILTERS[name]) if FK_FILTERS[name] else None
        if row is None:
            continue
        theirs = attacker.get(f"/api/v1/{prefix}/?{name}={row.pk}")
        unknown = attacker.get(f"/api/v1/{prefix}/?{name}=987654321")
        assert theirs.status_code == unknown.status_code == 200
        assert theirs.json()["results"] == unknown.json()["results"] == []


@pytest.mark.parametrize("prefix", sorted(TARGET))
def test_bob_cannot_change_delete_or_act_on_alices_rows(prefix, victim, bob):
    viewset = dict(ENDPOINTS)[prefix]
    target = getattr(victim, TARGET[prefix])
    attacker = client_for(bob.admin)
    before = snapshot()
    url = f"/api/v1/{prefix}/{target.pk}/"
    attempts = [
        ("put", url, BODIES["update"]),
        ("patch", url, BODIES["partial_update"]),
        ("delete", url, None),
    ]
    for extra in viewset.get_extra_actions():
        if extra.detail:
            path = extra.url_path
            for method in extra.mapping:
                attempts.append((method, f"{url}{path}/", BODIES[extra.__name__]))
    for method, path, body in attempts:
        response = getattr(attacker, method)(path, body, format="json")
        # 404 where the verb exists (scoping stopped it), 405 where it does not.
        assert response.status_code in (404, 405), (method, path, response.json())
        if response.status_code == 404:
            assert response.json() == NOT_FOUND
    assert snapshot() == before


def test_bob_cannot_create_rows_that_point_at_alices(victim, bob):
    attacker = client_for(bob.admin)
    before = snapshot()
    attempts = {
        "accounts": {
            "organization": victim.org.pk,
            "name": "x",
            "platform": "adobe",
            "external_id": "X1",
            "api_base_url": "https://example.com/",
        },
        "policies": {"organization": bob.org.pk, "account": victim.account.pk},
        "recommendations": {
            "kind": "budget",
            "campaign": victim.campaign.pk,
            "proposed_value": "5100.00",
            "reason": "x",
        },
    }
    for prefix, body in attempts.items():
        response = attacker.post(f"/api/v1/{prefix}/", body, format="json")
        assert response.status_code == 400, (prefix, response.json())
        assert "does not exist" in response.json()["message"], response.json()
    bid = attacker.post(
        "/api/v1/recommendations/",
        {"kind": "bid", "ad_group": victim.ad_group.pk, "proposed_value": "16", "reason": "x"},
        format="json",
    )
    assert bid.status_code == 400
    policy_in_a = attacker.post("/api/v1/policies/", {"organization": victim.org.pk}, format="json")
    assert policy_in_a.status_code == 400
    assert snapshot() == before


def test_bob_cannot_move_his_own_rows_into_alices_organization(victim, bob):
    attacker = client_for(bob.admin)
    from campaigns.models import GuardrailPolicy

    bob_policy = GuardrailPolicy.objects.create(organization=bob.org)
    before = snapshot()
    moves = [
        (f"/api/v1/campaigns/{bob.campaign.pk}/", {"account": victim.account.pk}),
        (f"/api/v1/accounts/{bob.account.pk}/", {"organization": victim.org.pk}),
        (f"/api/v1/policies/{bob_policy.pk}/", {"organization": victim.org.pk}),
        (f"/api/v1/policies/{bob_policy.pk}/", {"account": victim.account.pk}),
        (f"/api/v1/recommendations/{bob.recommendation.pk}/", {"campaign": victim.campaign.pk}),
    ]
    for url, body in moves:
        response = attacker.patch(url, body, format="json")
        assert response.status_code in (400, 405), (url, response.json())
    assert snapshot() == before


def test_a_cursor_from_alices_list_shows_bob_only_his_own_rows(victim, bob):
    from tests.factories import make_campaign

    for n in range(4):
        make_campaign(victim.account, name=f"alice c{n}")
    first = client_for(victim.viewer).get("/api/v1/campaigns/?page_size=2").json()
    attacker = client_for(bob.admin)
    for link in (first["next"], first["next"].replace("page_size=2", "page_size=200")):
        rows = attacker.get(link).json()["results"]
        assert all(r["account"] == bob.account.pk for r in rows)


def test_a_role_in_one_organization_gives_nothing_in_another(victim, bob):
    """bob's admin is a mere viewer in A: he reads A, and changes nothing there."""
    from campaigns.models import Membership, Role

    Membership.objects.create(user=bob.admin, organization=victim.org, role=Role.VIEWER)
    attacker = client_for(bob.admin)
    assert attacker.get(f"/api/v1/campaigns/{victim.campaign.pk}/").status_code == 200
    before = snapshot()
    refused = [
        attacker.post(f"/api/v1/recommendations/{victim.recommendation.pk}/approve/", {}),
        attacker.patch(f"/api/v1/campaigns/{victim.campaign.pk}/", {"is_pinned": True}),
        attacker.post(f"/api/v1/organizations/{victim.org.pk}/execution/", BODIES["execution"]),
        attacker.post(f"/api/v1/alerts/{victim.alert.pk}/acknowledge/"),
        attacker.patch(f"/api/v1/policies/{victim.policy.pk}/", {"budget_floor": "1.00"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    policy = attacker.post("/api/v1/policies/", {"organization": victim.org.pk}, format="json")
    assert policy.status_code == 400  # A is not among the organizations he may configure
    assert snapshot() == before


def test_the_schema_shows_no_tenant_data(victim, bob):
    for client in (client_for(bob.admin), client_for(victim.admin, name="schema")):
        text = client.get("/api/schema/").content.decode()
        for value in ("alice", "bob", victim.account.external_id, victim.campaign.external_id):
            assert value not in text
