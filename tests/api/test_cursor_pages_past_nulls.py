"""A list ordered by a field that may be empty pages through every row, NULLs
included: next and previous links alike, ascending and descending, with the
NULLs in one place (first ascending, last descending) on every database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.helpers import client_for
from tests.factories import make_account, make_recommendation

pytestmark = pytest.mark.django_db


def _walk(client, url: str, link: str = "next") -> list[dict]:
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body[link]
    return rows


@pytest.fixture
def accounts(alice):
    now = timezone.now()
    made = [alice.account]  # never synced: NULL
    for n in range(4):
        made.append(make_account(alice.org, last_synced_at=now - timedelta(hours=n)))
        made.append(make_account(alice.org))  # NULL
    return made


@pytest.mark.parametrize("ordering", ["last_synced_at", "-last_synced_at"])
def test_accounts_ordered_by_last_sync_page_past_those_never_synced(alice, accounts, ordering):
    rows = _walk(client_for(alice.viewer), f"/api/v1/accounts/?page_size=2&ordering={ordering}")

    assert sorted(r["id"] for r in rows) == sorted(a.pk for a in accounts)
    synced = [r["last_synced_at"] for r in rows]
    nulls = [s is None for s in synced]
    # every NULL together, at the start ascending and at the end descending
    assert nulls == sorted(nulls, reverse=not ordering.startswith("-"))
    dated = [s for s in synced if s is not None]
    assert dated == sorted(dated, reverse=ordering.startswith("-"))


def test_previous_links_walk_back_over_the_nulls(alice, accounts):
    client = client_for(alice.viewer)
    url, pages = "/api/v1/accounts/?page_size=2&ordering=-last_synced_at", []
    while url:  # forward to the last page, where the NULLs are
        pages.append(client.get(url).json())
        url = pages[-1]["next"]

    backward = _walk(client, pages[-1]["previous"], link="previous")

    before_last = [r["id"] for page in pages[:-1] for r in page["results"]]
    assert len(pages) >= 3
    assert sorted(r["id"] for r in backward) == sorted(before_last)
    assert len(backward) == len({r["id"] for r in backward})


@pytest.mark.parametrize("ordering", ["expected_impact", "-expected_impact"])
def test_recommendations_ordered_by_impact_page_past_those_without_one(alice, ordering):
    for n in range(5):
        make_recommendation(alice.campaign, expected_impact=Decimal(n * 100))
        make_recommendation(alice.campaign, expected_impact=None)

    rows = _walk(
        client_for(alice.viewer), f"/api/v1/recommendations/?page_size=3&ordering={ordering}"
    )

    assert len(rows) == len({r["id"] for r in rows}) == 11  # the fixture's own has one
    impacts = [r["expected_impact"] for r in rows if r["expected_impact"] is not None]
    assert [Decimal(i) for i in impacts] == sorted(
        (Decimal(i) for i in impacts), reverse=ordering.startswith("-")
    )
