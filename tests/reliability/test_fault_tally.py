"""The sandbox counts the faults it injects, by kind, so a chaos run can report its mix."""

import requests

from executors.sandbox import SandboxServer
from executors.sandbox.google_errors import API_VERSION
from tests.executors.sandbox.support import SMALL_WORLD, Api


def _tally(api: Api) -> dict:
    return api.control("GET", "/faults/tally").json()


def test_every_injected_fault_is_counted_by_kind():
    with SandboxServer(**SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        api.control("POST", "/faults", {"rate": 0.3, "kinds": ["500", "503", "429"], "seed": 4})
        before = _tally(api)["requests"]  # the token request came first
        statuses = [api.get("/campaigns").status_code for _ in range(200)]

        tally = _tally(api)
        assert tally["requests"] - before == 200
        seen = {str(code): statuses.count(code) for code in (500, 503, 429) if code in statuses}
        assert tally["injected"] == seen
        assert 30 <= sum(seen.values()) <= 90  # about 30 %


def test_the_tally_survives_a_new_fault_configuration():
    with SandboxServer(**SMALL_WORLD) as sandbox:
        api = Api(sandbox)
        api.control("POST", "/faults", {"rate": 1.0, "kinds": ["500"]})
        api.get("/campaigns")
        api.control("POST", "/faults", {"rate": 1.0, "kinds": ["malformed"]})
        response = api.get("/campaigns")

        assert response.status_code == 200
        assert _tally(api)["injected"] == {"500": 1, "malformed": 1}


def test_writes_refused_by_the_rate_limit_are_counted_apart_from_drawn_faults():
    with SandboxServer(**SMALL_WORLD, write_rate_limit=1) as sandbox:
        api = Api(sandbox)
        codes = [api.set_budget("CMP-0001", 500.0 + i).status_code for i in range(3)]

        assert codes.count(429) == 2
        assert _tally(api)["injected"] == {"rateLimited": 2}


def test_google_requests_draw_from_the_same_tally():
    with SandboxServer(**SMALL_WORLD) as sandbox:
        requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"rate": 1.0, "kinds": ["503"]})
        response = requests.post(
            f"{sandbox.base_url}/googleads/{API_VERSION}/customers/1234567890/googleAds:searchStream",
            json={"query": "SELECT campaign.id FROM campaign"},
            timeout=10,
        )

        assert response.status_code == 503
        tally = requests.get(f"{sandbox.base_url}/_sandbox/faults/tally", timeout=10).json()
        assert tally == {"requests": 1, "injected": {"503": 1}}
