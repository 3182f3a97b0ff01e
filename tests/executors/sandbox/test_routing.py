"""Unknown routes and ids, wrong methods and unreadable bodies all answer as problems."""

import pytest

from .support import assert_problem


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/campaigns/CMP-9999", "Campaign 'CMP-9999' does not exist"),
        ("/adGroups/AG-999999", "Ad group 'AG-999999' does not exist"),
        ("/data/core/ups/segment/definitions/SEG-999", "Segment 'SEG-999' does not exist"),
        ("/adGroups?campaignId=CMP-9999", "Campaign 'CMP-9999' does not exist"),
        ("/nothing/here", "No such endpoint: /nothing/here"),
    ],
)
def test_unknown_ids_and_routes_are_404_problems(api, path, fragment):
    assert_problem(api.get(path), 404, fragment)


def test_writes_to_unknown_ids_are_404_problems(api):
    assert_problem(api.set_budget("CMP-9999", 10.0), 404, "CMP-9999")
    body = {"averageBid": 5, "currency": "INR"}
    assert_problem(api.write("PATCH", "/adGroups/AG-999999/bidding", body), 404, "AG-999999")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/campaigns", "GET, POST"),  # POST creates (a launch)
        ("PATCH", "/campaigns/CMP-0001", "GET"),
        ("GET", "/campaign/CMP-0001", "PATCH"),
        ("PUT", "/adGroups/AG-000001/bidding", "PATCH"),
        ("GET", "/ims/token/v3", "POST"),
    ],
)
def test_a_wrong_method_is_405_and_says_which_is_allowed(api, method, path, allow):
    response = api.session.request(method, api.base_url + path, headers=api.headers())
    body = assert_problem(response, 405, f"use {allow}")
    assert response.headers["Allow"] == allow
    assert body["title"] == "Method not allowed"


def test_an_empty_write_body_is_a_problem(api):
    response = api.session.patch(api.base_url + "/campaign/CMP-0001", headers=api.headers())
    assert_problem(response, 400, "A JSON request body is required")


def test_responses_are_json_with_a_request_id(api):
    response = api.get("/campaigns")
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-request-id"].startswith("sbx-")
