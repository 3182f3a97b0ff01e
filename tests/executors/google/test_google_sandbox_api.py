"""The sandbox's Google Ads API over raw HTTP: shapes, limits and refusals."""

import pytest
import requests

from executors.sandbox.server import SandboxServer
from tests.executors.conftest import START
from tests.executors.google.conftest import api_url, google_base, google_headers, google_writes


def _post(sandbox, method, body, headers=None):
    return requests.post(
        api_url(sandbox, method), json=body, headers=headers or google_headers(sandbox), timeout=30
    )


def _search(sandbox, query):
    return _post(sandbox, "googleAds:searchStream", {"query": query})


def _codes(response) -> list[dict]:
    return [e["errorCode"] for e in response.json()["error"]["details"][0]["errors"]]


def _budget_op(campaign: int, micros: str = "1000000000") -> dict:
    return {
        "update": {
            "resourceName": f"customers/1234567890/campaignBudgets/{campaign}",
            "amountMicros": micros,
        },
        "updateMask": "amountMicros",
    }


def test_the_token_endpoint_answers_in_googles_oauth_shape(sandbox):
    ok = requests.post(
        google_base(sandbox) + "oauth2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "spectra-sandbox-google",
            "client_secret": "sandbox-google-secret",
            "refresh_token": "sandbox-refresh-token",
        },
    )
    wrong_grant = requests.post(
        google_base(sandbox) + "oauth2/token", data={"grant_type": "client_credentials"}
    )

    assert ok.status_code == 200
    assert ok.json()["expires_in"] == 3599 and ok.json()["token_type"] == "Bearer"
    assert wrong_grant.status_code == 400
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


def test_search_stream_answers_batches_with_a_field_mask_and_int64_strings(sandbox):
    response = _search(
        sandbox,
        "SELECT campaign.id, campaign.status, campaign_budget.amount_micros FROM campaign "
        "WHERE campaign.id IN (1, 2) ORDER BY campaign.id DESC",
    )

    assert response.status_code == 200
    (batch,) = response.json()
    assert batch["fieldMask"] == "campaign.id,campaign.status,campaignBudget.amountMicros"
    first = batch["results"][0]
    assert first["campaign"]["id"] == "2"
    assert first["campaign"]["resourceName"] == "customers/1234567890/campaigns/2"
    assert first["campaign"]["status"] in ("ENABLED", "PAUSED")
    assert first["campaignBudget"]["amountMicros"].isdigit()


def test_a_query_matching_nothing_answers_one_batch_without_results(sandbox):
    response = _search(sandbox, "SELECT campaign.id FROM campaign WHERE campaign.id = 999")

    assert response.json() == [
        {"fieldMask": "campaign.id", "requestId": response.json()[0]["requestId"]}
    ]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT segments.date, metrics.clicks FROM ad_group", "EXPECTED_FILTERS_ON_DATE_RANGE"),
        (
            "SELECT ad_group.id, metrics.clicks FROM ad_group "
            "WHERE segments.date BETWEEN '2026-10-01' AND '2026-10-02'",
            "EXPECTED_DIMENSION_FIELD_IN_SELECT_CLAUSE",
        ),
        ("SELECT metrics.clicks FROM campaign", "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"),
        ("SELECT campaign.id FROM keyword_view", "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE"),
        ("SELECT campaign.bidding_strategy FROM campaign", "UNRECOGNIZED_FIELD"),
        ("SELECT campaign.id FROM campaign WHERE campaign.id = 'one'", "BAD_NUMBER"),
    ],
)
def test_queries_the_sandbox_does_not_serve_are_invalid_argument(sandbox, query, code):
    response = _search(sandbox, query)

    assert response.status_code == 400
    assert _codes(response) == [{"queryError": code}]


def test_a_sunset_version_is_not_found(sandbox):
    response = requests.post(
        google_base(sandbox) + "v16/customers/1234567890/googleAds:searchStream",
        json={"query": "SELECT campaign.id FROM campaign"},
        headers=google_headers(sandbox),
    )

    assert (response.status_code, response.json()["error"]["status"]) == (404, "NOT_FOUND")


def test_more_than_ten_thousand_operations_are_refused_whole(sandbox):
    body = {"operations": [_budget_op(1)] * 10_001, "partialFailure": True}

    response = _post(sandbox, "campaignBudgets:mutate", body)

    assert response.status_code == 400
    assert _codes(response) == [{"requestError": "TOO_MANY_MUTATE_OPERATIONS"}]
    assert google_writes(sandbox) == []


def test_one_resource_twice_in_a_request_is_refused_for_the_second(sandbox):
    body = {"operations": [_budget_op(1), _budget_op(1, "2000000000")], "partialFailure": True}

    response = _post(sandbox, "campaignBudgets:mutate", body)

    payload = response.json()
    assert payload["results"] == [{"resourceName": "customers/1234567890/campaignBudgets/1"}, {}]
    errors = payload["partialFailureError"]["details"][0]["errors"]
    assert errors[0]["errorCode"] == {"mutateError": "ID_EXISTS_IN_MULTIPLE_MUTATES"}
    assert errors[0]["location"]["fieldPathElements"][0] == {"fieldName": "operations", "index": 1}


def test_an_ad_groups_status_cannot_be_changed_and_says_why(sandbox):
    op = {
        "update": {"resourceName": "customers/1234567890/adGroups/1", "status": "PAUSED"},
        "updateMask": "status",
    }

    response = _post(sandbox, "adGroups:mutate", {"operations": [op]})

    assert response.status_code == 400
    assert _codes(response) == [{"mutateError": "MUTATE_NOT_ALLOWED"}]
    assert "status" in response.json()["error"]["message"]


def test_a_budget_that_is_not_a_whole_cent_is_refused(sandbox):
    response = _post(sandbox, "campaignBudgets:mutate", {"operations": [_budget_op(1, "1234567")]})

    assert _codes(response) == [{"campaignBudgetError": "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT"}]


def test_an_update_without_an_update_mask_is_refused(sandbox):
    op = _budget_op(1)
    del op["updateMask"]

    response = _post(sandbox, "campaignBudgets:mutate", {"operations": [op]})

    assert _codes(response) == [{"fieldMaskError": "FIELD_MASK_MISSING"}]


def test_an_unknown_request_field_is_refused_like_googles_json_parser(sandbox):
    response = _post(sandbox, "campaignBudgets:mutate", {"operations": [], "dryRun": True})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "dryRun"


def test_large_answers_are_split_into_batches_of_ten_thousand_rows():
    with SandboxServer(
        seed=2, campaigns=2001, ad_groups_per_campaign=5, audiences=0, history_days=1,
        start_date=START,
    ) as sandbox:  # fmt: skip
        response = _search(sandbox, "SELECT ad_group.id FROM ad_group")

    assert [len(batch["results"]) for batch in response.json()] == [10_000, 5]
