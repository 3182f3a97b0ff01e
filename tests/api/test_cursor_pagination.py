"""Lists come in pages linked by opaque cursors, in the order asked for."""

import pytest

from tests.api.helpers import client_for
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db


def test_following_next_cursors_visits_every_row_once_in_order(alice):
    for n in range(7):
        make_campaign(alice.account, name=f"c{n:02d}")
    client = client_for(alice.viewer)
    seen, url = [], "/api/v1/campaigns/?page_size=3&ordering=name"
    while url:
        body = client.get(url).json()
        seen += [c["name"] for c in body["results"]]
        url = body["next"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 8


def test_a_forged_cursor_is_a_404_not_a_crash(alice):
    response = client_for(alice.viewer).get("/api/v1/campaigns/?cursor=bz1hYmM%3D")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
