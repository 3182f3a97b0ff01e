"""Lists come in pages linked by opaque cursors, in the order asked for."""

import json
from base64 import b64encode
from urllib.parse import quote

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


def _cursor(query: str) -> str:
    return quote(b64encode(query.encode()).decode())


@pytest.mark.parametrize(
    ("ordering", "position"),
    [
        ("", "abc"),  # cD1hYmM= : "p=abc" against the default ordering by id
        ("", "1.5"),
        ("", "99999999999999999999"),
        ("daily_budget", "NaN"),
        ("daily_budget", "lots"),
        ("updated_at", "2026-13-45"),
        ("updated_at", "None"),
        ("name", "\x00"),
        ("", '["abc", 1]'),  # a pair whose value the id cannot hold
        ("", '["1", 0]'),
        ("", '["1", "2"]'),
        ("", "[1, 1]"),
        ("", '["1", 99999999999999999999]'),
        ("name", '["\\u0000", 1]'),
        ("updated_at", '["None", 1]'),
    ],
)
def test_a_cursor_whose_position_the_ordering_cannot_hold_is_a_404(alice, ordering, position):
    query = f"?ordering={ordering}&" if ordering else "?"
    response = client_for(alice.viewer).get(
        f"/api/v1/campaigns/{query}cursor={_cursor(f'p={position}')}"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_cursor_with_a_real_position_still_pages(alice):
    after = alice.campaign.pk + 1  # a position is the ordering's value and the id
    cursor = _cursor("p=" + json.dumps([str(after), after]))
    response = client_for(alice.viewer).get(f"/api/v1/campaigns/?cursor={cursor}")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [alice.campaign.pk]
