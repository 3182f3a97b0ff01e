"""The change-set endpoints: a reallocation listed with its legs, approved or rejected as
a whole, one leg edited with the others re-balanced; a leg alone is refused with 409."""

from decimal import Decimal

import pytest

from campaigns.models import ChangeSetStatus, RecommendationStatus
from tests.api.helpers import client_for
from tests.campaigns.change_sets import make_change_set

pytestmark = pytest.mark.django_db
R = RecommendationStatus


def test_a_change_set_is_listed_with_its_legs_and_only_to_its_tenant(alice, bob):
    mine, theirs = make_change_set(alice), make_change_set(bob)

    client = client_for(alice.viewer)
    listed = client.get("/api/v1/change-sets/").json()["results"]

    assert [cs["id"] for cs in listed] == [mine.pk]
    assert len(listed[0]["legs"]) == 3
    assert listed[0]["total_before"] == listed[0]["total_after"] == "15000.00"
    assert {leg["change_set"] for leg in listed[0]["legs"]} == {mine.pk}
    assert client.get(f"/api/v1/change-sets/{theirs.pk}/").status_code == 404


def test_approving_a_change_set_approves_every_leg(alice):
    change_set = make_change_set(alice)

    response = client_for(alice.approver).post(
        f"/api/v1/change-sets/{change_set.pk}/approve/", {"note": "ok"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == ChangeSetStatus.APPROVED
    assert {leg["status"] for leg in response.json()["legs"]} == {R.APPROVED}


def test_rejecting_needs_a_note_and_rejects_every_leg(alice):
    change_set = make_change_set(alice)
    client = client_for(alice.approver)

    refused = client.post(f"/api/v1/change-sets/{change_set.pk}/reject/", {}, format="json")
    response = client.post(
        f"/api/v1/change-sets/{change_set.pk}/reject/", {"note": "too bold"}, format="json"
    )

    assert refused.status_code == 400
    assert response.status_code == 200
    assert {leg["status"] for leg in response.json()["legs"]} == {R.REJECTED}


def test_approving_one_leg_alone_answers_409_naming_its_change_set(alice):
    change_set = make_change_set(alice)
    leg = change_set.legs.first()

    response = client_for(alice.approver).post(
        f"/api/v1/recommendations/{leg.pk}/approve/", {}, format="json"
    )

    assert response.status_code == 409
    assert f"reallocation #{change_set.pk}" in str(response.json())
    leg.refresh_from_db()
    assert leg.status == R.PROPOSED


def test_editing_a_leg_re_balances_the_others_and_keeps_the_total(alice):
    change_set = make_change_set(alice)
    up = change_set.legs.order_by("pk").first()

    response = client_for(alice.approver).post(
        f"/api/v1/change-sets/{change_set.pk}/edit-leg/",
        {"leg": up.pk, "proposed_value": "5700.01"},
        format="json",
    )

    assert response.status_code == 200
    values = [Decimal(leg["proposed_value"]) for leg in response.json()["legs"]]
    assert Decimal("5700.01") in values
    assert sum(values) == Decimal("15000.00")


def test_an_edit_no_re_balance_fits_answers_422_naming_the_rule(alice):
    change_set = make_change_set(alice, moves=((1000, 1050), (200, 150)))
    up = change_set.legs.order_by("pk").first()

    response = client_for(alice.approver).post(
        f"/api/v1/change-sets/{change_set.pk}/edit-leg/",
        {"leg": up.pk, "proposed_value": "1300.00"},
        format="json",
    )

    assert response.status_code == 422
    assert "budget_neutrality" in str(response.json())


def test_a_viewer_cannot_approve_and_bob_cannot_reach_alices_set(alice, bob):
    change_set = make_change_set(alice)
    url = f"/api/v1/change-sets/{change_set.pk}/approve/"

    assert client_for(alice.viewer).post(url, {}, format="json").status_code == 403
    assert client_for(bob.approver).post(url, {}, format="json").status_code == 404
    assert set(change_set.legs.values_list("status", flat=True)) == {R.PROPOSED}
