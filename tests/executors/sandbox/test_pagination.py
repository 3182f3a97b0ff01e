"""Every list is paginated with start/limit, `_page` and a `_links.next` while rows remain."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .support import START_DATE, assert_problem


def test_walking_next_links_returns_every_report_row_exactly_once(api):
    end = api.yesterday()
    everything = api.get(
        "/reports/performance", params={"startDate": START_DATE, "endDate": end, "limit": 5000}
    ).json()
    walked = api.walk(
        "/reports/performance", "rows", {"startDate": START_DATE, "endDate": end, "limit": 37}
    )
    keys = [(row["date"], row["adGroupId"]) for row in walked]
    assert len(keys) == len(set(keys)) == everything["_page"]["total"] == 14 * 18
    assert walked == everything["rows"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(limit=st.integers(min_value=1, max_value=30))
def test_any_page_size_walks_the_ad_groups_exactly_once(api, limit):
    walked = api.walk("/adGroups", "adGroups", {"limit": limit})
    assert [ad_group["id"] for ad_group in walked] == [f"AG-{i:06d}" for i in range(1, 19)]


@pytest.mark.parametrize(
    ("path", "key", "total"),
    [
        ("/campaigns", "campaigns", 6),
        ("/adGroups", "adGroups", 18),
        ("/data/core/ups/segment/definitions", "segments", 6),
    ],
)
def test_every_list_reports_its_page_and_links_to_the_next(api, path, key, total):
    first = api.get(path, params={"limit": 4}).json()
    assert first["_page"] == {"start": 0, "limit": 4, "count": 4, "total": total}
    assert first["_links"]["next"]["href"] == f"{path}?start=4&limit=4"
    last = api.get(path, params={"start": total - 1, "limit": 4}).json()
    assert last["_page"] == {"start": total - 1, "limit": 4, "count": 1, "total": total}
    assert last["_links"] == {}
    assert len(first[key]) == 4


def test_the_default_page_is_a_hundred_rows(api):
    body = api.get(
        "/reports/performance", params={"startDate": START_DATE, "endDate": api.yesterday()}
    ).json()
    assert body["_page"]["limit"] == 100
    assert len(body["rows"]) == 100
    assert "startDate=2025-03-03" in body["_links"]["next"]["href"]
    assert "start=100" in body["_links"]["next"]["href"]


def test_a_start_beyond_the_end_is_an_empty_last_page(api):
    body = api.get("/campaigns", params={"start": 50}).json()
    assert body["campaigns"] == []
    assert body["_page"]["count"] == 0
    assert body["_links"] == {}


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start": -1}, "start must be >= 0"),
        ({"limit": 0}, "limit must be between 1 and 5000"),
        ({"limit": 5001}, "limit must be between 1 and 5000"),
        ({"limit": "ten"}, "limit must be an integer"),
    ],
)
def test_bad_pagination_parameters_get_a_problem(api, params, fragment):
    assert_problem(api.get("/campaigns", params=params), 400, fragment)
