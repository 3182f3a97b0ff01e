"""A world saved to its state file comes back identical after a restart."""

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from executors.sandbox import SandboxServer, World
from executors.sandbox.operations import apply_write

from .support import SMALL_WORLD, START_DATE, Api


def _everything(api: Api) -> dict:
    end = api.yesterday()
    return {
        "report": api.get(
            "/reports/performance",
            params={"startDate": START_DATE, "endDate": end, "limit": 5000, "includeToday": "true"},
        ).content,
        "campaigns": api.get("/campaigns").content,
        "adGroups": api.get("/adGroups").content,
        "segments": api.get("/data/core/ups/segment/definitions").content,
        "state": api.state(),
        "writes": api.control("GET", "/writes").content,
        "faults": api.control("GET", "/faults").json(),
        "truth": api.control("GET", "/truth").content,
    }


def test_a_server_restarted_on_its_state_file_serves_the_same_world(tmp_path):
    state_path = str(tmp_path / "sandbox.json")
    with SandboxServer(state_path=state_path, **SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        api.set_budget("CMP-0001", 900.0, key="a")
        api.set_budget("CMP-0001", 900.0, key="a")  # a duplicate, counted
        api.advance(2)
        api.write("PATCH", "/adGroups/AG-000007/bidding", {"averageBid": 22.2, "currency": "INR"})
        api.write(
            "POST", "/data/core/ups/segment/jobs", {"segmentId": "SEG-004", "action": "deactivate"}
        )
        api.control("POST", "/inject", {"performanceRows": [{"date": "2025-03-05", "spend": -1}]})
        api.control("POST", "/faults", {"latencyMs": 1})
        api.advance(1)
        before = _everything(api)

    # A different seed on the command line must not matter: the state file wins.
    with SandboxServer(state_path=state_path, **{**SMALL_WORLD, "seed": 999}) as sandbox:
        after = _everything(Api(sandbox))
    assert after == before
    log = json.loads(before["writes"])
    assert log["duplicates"] == 1
    assert len(log["writes"]) == 3


def test_the_idempotency_keys_survive_a_restart(tmp_path):
    state_path = str(tmp_path / "sandbox.json")
    with SandboxServer(state_path=state_path, **SMALL_WORLD) as sandbox:
        first = Api(sandbox).set_budget("CMP-0002", 4321.0, key="kept").json()
    with SandboxServer(state_path=state_path, **SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        again = api.set_budget("CMP-0002", 4321.0, key="kept")
        assert again.json() == first
        assert again.headers["Idempotent-Replayed"] == "true"
        assert api.set_budget("CMP-0002", 1.0, key="kept").status_code == 422


def test_the_state_file_is_small_json_replaced_atomically(tmp_path):
    state_path = tmp_path / "state" / "sandbox.json"
    with SandboxServer(state_path=str(state_path), **SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        for amount in range(5):
            api.set_budget("CMP-0003", 1000.0 + amount)
            state = json.loads(state_path.read_text())
            assert len(state["writes"]) == amount + 1
    assert os.listdir(state_path.parent) == ["sandbox.json"]  # no temp files left behind
    assert state_path.stat().st_size < 20_000
    assert state["config"]["start_date"] == START_DATE
    assert state["todayDate"] == "2025-03-17"


def test_injected_malformed_rows_survive_a_save_and_load(tmp_path):
    world = World(**SMALL_WORLD)
    world.inject(
        {"performanceRows": [{"spend": math.nan, "clicks": "12"}], "campaigns": [{"id": 5}]}
    )
    world.save(tmp_path / "w.json")
    loaded = World.load(tmp_path / "w.json")
    assert math.isnan(loaded.injected["performanceRows"][0]["spend"])
    assert loaded.injected["campaigns"] == [{"id": 5}]


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(0, 3)),
        st.tuples(st.just("budget"), st.integers(1, 6), st.integers(0, 90_000)),
        st.tuples(st.just("bid"), st.integers(1, 18), st.floats(0.5, 80)),
        st.tuples(st.just("status"), st.integers(1, 6), st.booleans()),
        st.tuples(st.just("segment"), st.integers(1, 6), st.booleans()),
    ),
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_any_sequence_of_writes_and_days_replays_identically(tmp_path_factory, operations):
    world = World(**SMALL_WORLD)
    for op in operations:
        if op[0] == "advance":
            world.advance(op[1])
            continue
        if op[0] == "budget":
            path, body = (
                f"/campaign/CMP-{op[1]:04d}",
                {"budget": {"allocated": float(op[2]), "currency": "INR"}},
            )
        elif op[0] == "bid":
            path, body = (
                f"/adGroups/AG-{op[1]:06d}/bidding",
                {"averageBid": op[2], "currency": "INR"},
            )
        elif op[0] == "status":
            path, body = f"/campaign/CMP-{op[1]:04d}", {"status": "active" if op[2] else "paused"}
        else:
            path, body = (
                "/data/core/ups/segment/jobs",
                {"segmentId": f"SEG-{op[1]:03d}", "action": "activate" if op[2] else "deactivate"},
            )
        method = "POST" if path.endswith("jobs") else "PATCH"
        response = apply_write(world, method, path, body)
        world.record_write(
            {
                "seq": len(world.writes) + 1,
                "dayIndex": world.today,
                "method": method,
                "path": path,
                "body": body,
                "response": response,
            }
        )
    world.advance(1)
    path = tmp_path_factory.mktemp("replay") / "state.json"
    world.save(path)
    loaded = World.load(path)
    assert loaded.today == world.today
    assert (loaded._metrics[:, : world.today] == world._metrics[:, : world.today]).all()
    assert (loaded.today_metrics() == world.today_metrics()).all()
    assert loaded.campaigns() == world.campaigns()
    assert loaded.ad_groups() == world.ad_groups()
    assert loaded.segments() == world.segments()
    assert loaded.writes == world.writes
