"""The sandbox is never more lenient than Google: a body Google's protos refuse is a 400
INVALID_ARGUMENT (google.rpc.BadRequest naming the field) and changes nothing, with the
google-ads package's protos and, without them, with the sandbox's own strict checks."""

import pytest
import requests

from executors.sandbox import google_contract
from tests.executors.google.conftest import api_url, google_headers, google_writes

BUDGET = "customers/1234567890/campaignBudgets/1"


def _post(sandbox, method, body):
    return requests.post(
        api_url(sandbox, method), json=body, headers=google_headers(sandbox), timeout=30
    )


def _budget(update: dict, mask: str = "amountMicros") -> dict:
    return {"operations": [{"update": {"resourceName": BUDGET} | update, "updateMask": mask}]}


@pytest.fixture(params=["protos", "no protos"])
def contract(request, monkeypatch):
    """The sandbox with the google-ads package, and as the demo runs it, without."""
    if request.param == "no protos":
        monkeypatch.setattr(google_contract, "_protos", lambda version: None)
    return request.param


@pytest.mark.parametrize(
    ("update", "mask", "field"),
    [
        ({"amountMicros": "2000000000"}, "amount_micros", "operations[0].updateMask"),
        ({"amount_micros": "2000000000"}, "amountMicros", "operations[0].update.amount_micros"),
        ({"amountMicros": 2000000000}, "amountMicros", "operations[0].update.amountMicros"),
    ],
)
def test_a_snake_case_mask_or_field_or_an_int64_number_is_refused_and_changes_nothing(
    sandbox, contract, update, mask, field
):
    response = _post(sandbox, "campaignBudgets:mutate", _budget(update, mask))

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"][0]["field"] == field
    assert google_writes(sandbox) == []


def test_the_canonical_body_is_applied(sandbox, contract):
    response = _post(sandbox, "campaignBudgets:mutate", _budget({"amountMicros": "2000000000"}))

    assert response.status_code == 200, response.text
    assert len(google_writes(sandbox)) == 1


def test_with_googles_protos_a_field_the_resource_lacks_is_refused(sandbox):
    body = _budget({"amountMicros": "2000000000", "dailyCap": "1"})

    response = _post(sandbox, "campaignBudgets:mutate", body)

    assert response.status_code == 400
    assert "dailyCap" in response.json()["error"]["message"]
    assert google_writes(sandbox) == []


def test_with_googles_protos_an_enum_google_lacks_is_refused(sandbox):
    body = {
        "operations": [
            {
                "update": {"resourceName": "customers/1234567890/campaigns/1", "status": "STOP"},
                "updateMask": "status",
            }
        ]
    }

    response = _post(sandbox, "campaigns:mutate", body)

    assert response.status_code == 400
    assert "STOP" in response.json()["error"]["message"]


def test_with_googles_protos_a_gaql_field_google_lacks_is_unrecognized(sandbox):
    query = "SELECT campaign.id, campaign.daily_budget FROM campaign"

    response = _post(sandbox, "googleAds:searchStream", {"query": query})

    assert response.status_code == 400
    [error] = response.json()["error"]["details"][0]["errors"]
    assert error["errorCode"] == {"queryError": "UNRECOGNIZED_FIELD"}
    assert "campaign.daily_budget" in error["message"]


def test_a_method_google_lacks_is_not_found(sandbox):
    response = _post(sandbox, "campaignBudgetz:mutate", _budget({"amountMicros": "2000000000"}))

    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"
