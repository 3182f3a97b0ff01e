"""Injected faults: at the configured rate, reproducible, and shaped like real failures."""

import time

import pytest
import requests

from executors.sandbox import SandboxServer

from .support import SMALL_WORLD, Api, assert_problem


def _configure(api: Api, **config) -> dict:
    response = api.control("POST", "/faults", config)
    assert response.status_code == 200, response.text
    return response.json()


def _statuses(api: Api, count: int) -> list[int]:
    return [api.get("/campaigns").status_code for _ in range(count)]


def test_faults_appear_at_about_the_configured_rate(api):
    _configure(api, rate=0.2, kinds=["500", "503", "429"], seed=3)
    statuses = _statuses(api, 400)
    failures = [s for s in statuses if s != 200]
    assert 50 <= len(failures) <= 110
    assert set(failures) == {500, 503, 429}


def test_the_fault_sequence_is_the_same_for_the_same_seed(api):
    _configure(api, rate=0.3, kinds=["500", "429"], seed=9)
    first = _statuses(api, 60)
    _configure(api, seed=9)  # configuring again restarts the sequence
    assert _statuses(api, 60) == first
    _configure(api, seed=10)
    assert _statuses(api, 60) != first


def test_a_429_carries_retry_after_and_the_problem_shape(api):
    _configure(api, rate=1.0, kinds=["429"], retryAfter=7)
    response = api.get("/campaigns")
    assert response.headers["Retry-After"] == "7"
    assert_problem(response, 429, "quota")


def test_a_503_also_says_when_to_retry(api):
    _configure(api, rate=1.0, kinds=["503"], retryAfter=2)
    response = api.get("/adGroups")
    assert response.headers["Retry-After"] == "2"
    assert_problem(response, 503)


def test_a_failed_write_is_not_applied(api):
    _configure(api, rate=1.0, kinds=["500"])
    assert api.set_budget("CMP-0001", 321.0).status_code == 500
    _configure(api, rate=0)
    assert api.control("GET", "/writes").json()["writes"] == []
    assert api.get("/campaigns/CMP-0001").json()["budget"]["allocated"] != 321.0


def test_a_reset_drops_the_connection_without_any_response(api):
    _configure(api, rate=1.0, kinds=["reset"])
    with pytest.raises(requests.ConnectionError):
        api.session.get(api.base_url + "/campaigns", headers=api.headers())


def test_a_reset_write_was_applied_so_retrying_with_its_key_is_a_duplicate(api):
    _configure(api, rate=1.0, kinds=["reset"])
    with pytest.raises(requests.ConnectionError):
        api.set_budget("CMP-0002", 2222.0, key="retry-me")
    _configure(api, rate=0)
    retry = api.set_budget("CMP-0002", 2222.0, key="retry-me")
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    log = api.control("GET", "/writes").json()
    assert len(log["writes"]) == 1 and log["duplicates"] == 1


def test_a_malformed_response_is_truncated_json_with_status_200(api):
    _configure(api, rate=1.0, kinds=["malformed"])
    response = api.get("/campaigns")
    assert response.status_code == 200
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()
    assert response.text.startswith('{"campaigns":[')


def test_a_slow_fault_delays_the_answer_but_still_answers(api):
    _configure(api, rate=1.0, kinds=["slow"], slowSeconds=0.3)
    started = time.monotonic()
    assert api.get("/campaigns").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_latency_delays_every_platform_request_but_not_the_control_api():
    with SandboxServer(**SMALL_WORLD, latency_ms=250) as sandbox:
        api = Api(sandbox)
        started = time.monotonic()
        assert api.get("/campaigns").ok
        assert time.monotonic() - started >= 0.25
        assert api.control("GET", "/faults").json()["latencyMs"] == 250


def test_writes_beyond_the_rate_limit_get_429_with_retry_after():
    with SandboxServer(**SMALL_WORLD, write_rate_limit=3) as sandbox:
        api = Api(sandbox)
        statuses = [api.set_budget("CMP-0001", 1000.0 + i).status_code for i in range(6)]
        assert statuses[:3] == [200, 200, 200]
        assert 429 in statuses[3:]
        limited = api.set_budget("CMP-0001", 5.0)
        assert limited.headers["Retry-After"] == "1"
        assert_problem(limited, 429, "Write rate limit of 3 per second exceeded")
        assert api.get("/campaigns").ok  # reads are not limited
        time.sleep(1.05)
        assert api.set_budget("CMP-0001", 1500.0).ok


def test_rate_zero_turns_faults_off(api):
    _configure(api, rate=1.0, kinds=["500"])
    _configure(api, rate=0)
    assert set(_statuses(api, 20)) == {200}


def test_control_routes_are_never_faulted(api):
    _configure(api, rate=1.0, kinds=["500", "reset"])
    for _ in range(10):
        assert api.control("GET", "/state").status_code == 200


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"rate": 2}, "rate must be a number between 0 and 1"),
        ({"kinds": ["explode"]}, "kinds must be a non-empty list"),
        ({"retryAfter": 1.5}, "retryAfter"),
        ({"colour": "red"}, "Unknown fault option(s): colour"),
    ],
)
def test_a_bad_fault_configuration_is_refused(api, config, fragment):
    assert_problem(api.control("POST", "/faults", config), 400, fragment)
