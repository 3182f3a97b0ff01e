"""Same seed, same start date and same writes give byte-identical data."""

import pytest

from executors.sandbox import SandboxServer, World

from .support import SMALL_WORLD, START_DATE, Api


def _report_bytes(api: Api, end: str, **params) -> bytes:
    query = {"startDate": START_DATE, "endDate": end, "limit": 5000, **params}
    response = api.get("/reports/performance", params=query)
    assert response.status_code == 200
    return response.content


def test_the_same_seed_serves_byte_identical_reports_and_entities():
    bodies = []
    for _ in range(2):
        with SandboxServer(**SMALL_WORLD) as sandbox:
            api = Api(sandbox)
            end = api.yesterday()
            bodies.append(
                [
                    _report_bytes(api, end),
                    api.get("/campaigns").content,
                    api.get("/adGroups").content,
                    api.get("/data/core/ups/segment/definitions").content,
                    api.control("GET", "/truth").content,
                ]
            )
    assert bodies[0] == bodies[1]


def test_a_different_seed_builds_a_different_account():
    first = World(**SMALL_WORLD)
    second = World(**{**SMALL_WORLD, "seed": SMALL_WORLD["seed"] + 1})
    assert first.campaigns() != second.campaigns()
    assert first.ad_groups() != second.ad_groups()
    assert first.truth()["adGroups"] != second.truth()["adGroups"]


def test_the_same_writes_on_the_same_days_give_byte_identical_reports():
    reports = []
    for _ in range(2):
        with SandboxServer(**SMALL_WORLD) as sandbox:
            api = Api(sandbox)
            api.set_budget("CMP-0002", 4200.0)
            api.write(
                "PATCH", "/adGroups/AG-000004/bidding", {"averageBid": 31.5, "currency": "INR"}
            )
            api.advance(2)
            api.write(
                "POST",
                "/data/core/ups/segment/jobs",
                {"segmentId": "SEG-002", "action": "deactivate"},
            )
            api.write("PATCH", "/campaign/CMP-0003", {"status": "paused"})
            api.advance(3)
            reports.append(_report_bytes(api, api.yesterday(), includeToday="true"))
    assert reports[0] == reports[1]


def test_different_writes_change_only_the_days_after_they_were_made():
    untouched, changed = World(**SMALL_WORLD), World(**SMALL_WORLD)
    changed.set_campaign_budget("CMP-0001", 100.0)
    untouched.advance(2)
    changed.advance(2)
    history = slice(0, SMALL_WORLD["history_days"] + 1)  # history plus the day of the write
    assert (untouched._metrics[:, history] == changed._metrics[:, history]).all()
    last = SMALL_WORLD["history_days"] + 1
    assert not (untouched._metrics[:, last] == changed._metrics[:, last]).all()


@pytest.mark.parametrize("bad", [{"campaigns": 0}, {"seed": -1}, {"history_days": 1.5}])
def test_invalid_world_options_are_refused(bad):
    with pytest.raises(ValueError):
        World(**{**SMALL_WORLD, **bad})
