"""What clients created is in the write log: a sandbox rebuilt from its state file has
the same objects under the same ids, and new creates continue after them."""

from executors.sandbox import SandboxServer, store
from executors.sandbox.launched import apply_adobe
from tests.executors.sandbox.launch_support import create, launch, small_world
from tests.executors.sandbox.support import SMALL_WORLD, Api


def test_google_and_adobe_creates_replay_after_a_restart():
    world = small_world()
    launch(world, "Winter socks", keywords=["wool socks"], headlines=["A", "B", "C"])
    world.advance(1)
    campaign = apply_adobe(
        world,
        "/campaigns",
        {"name": "Adobe socks", "budget": {"allocated": 100.0, "currency": "INR"}},
    )
    world.record_write(
        {
            "seq": len(world.writes) + 1,
            "dayIndex": world.today,
            "method": "POST",
            "path": "/campaigns",
            "body": {"name": "Adobe socks", "budget": {"allocated": 100.0, "currency": "INR"}},
        }
    )

    again = store.from_state(store.to_state(world))

    assert again.launched.google == world.launched.google
    assert again.launched.adobe == world.launched.adobe
    assert again.launched.adobe["campaigns"][campaign["id"]]["name"] == "Adobe socks"
    budget = create(again, "campaignBudgets", {"name": "b", "amountMicros": "1000000"})
    number = int(budget["results"][0]["resourceName"].rsplit("/", 1)[1])
    assert number == world.launched.next_id


def test_a_restarted_server_lists_what_was_created_over_http(tmp_path):
    state_path = str(tmp_path / "sandbox.json")
    body = {"name": "Adobe socks", "budget": {"allocated": 100.0, "currency": "INR"}}
    with SandboxServer(state_path=state_path, **SMALL_WORLD) as sandbox:
        created = Api(sandbox).write("POST", "/campaigns", body, key="launch-1").json()
    with SandboxServer(state_path=state_path, **SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        listed = api.get("/campaigns", params={"name": "Adobe socks"}).json()["campaigns"]
        assert listed == [created]
        again = api.write("POST", "/campaigns", body, key="launch-1")  # same key: replayed
        assert again.json() == created and again.headers["Idempotent-Replayed"] == "true"
