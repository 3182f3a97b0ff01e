"""Every request Spectra's Google Ads client sends is one Google's own protos accept.

Scenarios over HTTP against the sandbox (reads, budgets, bids, statuses, dry runs,
campaign experiments, a whole launch, keyword and ad changes) are recorded call by call
and each body is held to the request message of its method in the google-ads package
(`json_format.Parse`, unknown fields refused, plus the canonical form: lowerCamelCase
names and masks, int64 strings, enum names); each GAQL field is looked up in
GoogleAdsRow. The check is generic: a method the client learns is checked the same way.
"""

from datetime import date
from decimal import Decimal

import pytest

from campaigns.models import AdGroup
from executors.clients.factory import client_for
from executors.sandbox.google_contract import query_problems, request_problems
from executors.structure import GoogleStructure
from tests.executors.deploy.conftest import deployed, google_account
from tests.executors.google.contract import contract_problems, google_requests

CUSTOMER = "1234567890"


def _mutated(sent) -> set[str]:
    return {r.method.split("/")[0] for r in sent if r.method.endswith(":mutate")}


def test_reads_writes_and_dry_runs_of_the_client_are_what_googles_protos_accept(google):
    with google_requests() as sent:
        list(google.campaigns())
        list(google.ad_groups())
        list(google.performance(date(2026, 1, 1), date(2026, 1, 7)))
        google.current_budgets(["1", "2"])
        google.current_bids(["1"])
        google.current_statuses(["1"])
        google.set_campaign_budgets([("1", Decimal("120.50"))], validate_only=True)
        assert all(r.ok for r in google.set_campaign_budgets([("1", Decimal("120.50"))]))
        assert all(r.ok for r in google.set_ad_group_bids([("1", Decimal("2.10"))]))
        assert all(r.ok for r in google.set_campaign_statuses([("2", "paused")]))

    assert _mutated(sent) == {"campaignBudgets:mutate", "adGroups:mutate", "campaigns:mutate"}
    assert sum(r.method == "googleAds:searchStream" for r in sent) >= 7
    assert contract_problems(sent) == []


def test_a_campaign_experiment_is_created_run_and_read_as_googles_protos_accept(google):
    with google_requests() as sent:
        experiment = google.create_experiment(
            name="Bid test", suffix=" [test]", control_campaign_id="1", traffic_split=50
        )
        google.experiment_action(experiment, "scheduleExperiment")
        arms = google.experiment(experiment)["arms"]

    assert sorted(a["trafficSplit"] for a in arms) == ["50", "50"]  # int64, as Google answers
    assert {"experiments:mutate", "experimentArms:mutate"} <= _mutated(sent)
    assert any(r.method.endswith(":scheduleExperiment") for r in sent)
    assert contract_problems(sent) == []


@pytest.mark.django_db
def test_a_launch_and_its_keyword_and_ad_changes_are_what_googles_protos_accept(alice, sandbox):
    account = google_account(alice, sandbox)
    with google_requests() as sent:
        campaign = deployed(account)
        group = AdGroup.objects.filter(campaign=campaign).order_by("pk").first()
        where = {
            "campaign": f"customers/{CUSTOMER}/campaigns/{campaign.external_id}",
            "ad_group": f"customers/{CUSTOMER}/adGroups/{group.external_id}",
        }
        keyword = {"text": "merino gift", "match_type": "EXACT", "negative": False}
        ad = {
            "final_url": "https://example.com/gift",
            "headlines": ["Merino gifts", "Warm gifts", "Gift socks"],
            "descriptions": ["Soft merino socks.", "Wrapped for free."],
        }
        results = GoogleStructure(client_for(account)).apply(
            [
                ("add", where | keyword | {"kind": "keyword_add"}),
                ("negative", where | keyword | {"kind": "keyword_add", "ad_group": None}),
                ("pause", where | {"kind": "ad_group_pause", "status": "PAUSED"}),
                ("ad", where | ad | {"kind": "ad_replace"}),
                ("remove", where | keyword | {"kind": "keyword_remove"}),
            ]
        )

    assert [r.ok for r in results] == [True] * 5, [r.error for r in results]
    assert {
        "googleAds:mutate",  # the launch's validateOnly
        "campaignBudgets:mutate",
        "campaigns:mutate",
        "adGroups:mutate",
        "adGroupCriteria:mutate",
        "campaignCriteria:mutate",
        "adGroupAds:mutate",
    } <= _mutated(sent)
    assert contract_problems(sent) == []


# --- the check itself refuses what Google refuses -----------------------------------
def _budget(update: dict, mask: str = "amountMicros") -> dict:
    name = {"resourceName": f"customers/{CUSTOMER}/campaignBudgets/1"}
    return {"operations": [{"update": name | update, "updateMask": mask}]}


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (_budget({"amountMicros": "1000000"}, "amount_micros"), "lowerCamelCase"),
        (_budget({"amount_micros": "1000000"}), 'JSON name is "amountMicros"'),
        (_budget({"amountMicros": 1000000}), "int64 is a JSON string"),
        (_budget({"amountMicros": "1000000", "status": 2}), "enum is sent by name"),
        (_budget({"amountMicros": "1000000", "dailyCap": "1"}), "no field 'dailyCap'"),
        (_budget({"amountMicros": "1000000", "status": "PAUSE"}), "PAUSE"),
        (_budget({"amountMicros": "1000000"}) | {"dryRun": True}, "no field 'dryRun'"),
    ],
)
def test_a_body_googles_protos_refuse_is_named(body, complaint):
    problems = request_problems("campaignBudgets:mutate", body)

    assert problems and complaint in " ".join(problems)


def test_a_body_in_googles_canonical_form_passes():
    body = _budget({"amountMicros": "1000000", "deliveryMethod": "STANDARD"})

    assert request_problems("campaignBudgets:mutate", body | {"partialFailure": True}) == []


def test_a_gaql_field_or_resource_google_lacks_is_named():
    query = (
        "SELECT campaign.id, campaign.daily_budget, metrics.cost_micros FROM campaign "
        "WHERE campaign.name = 'a.b_c' AND ad_group_criterion.type = 'KEYWORD'"
    )

    assert query_problems(query) == [
        "campaign.daily_budget: unrecognized field (no campaign.daily_budget)."
    ]
    assert query_problems("SELECT campaigns.id FROM campaigns")[0].startswith("FROM campaigns")
