"""The sandbox's search terms and negative keywords, over HTTP in Google's shape."""

from datetime import timedelta

import requests

from executors.sandbox.google_search_terms import wasted_spend
from tests.executors.conftest import START, TODAY
from tests.executors.google.conftest import CUSTOMER, api_url, google_headers

CAMPAIGN = f"customers/{CUSTOMER}/campaigns/1"


def _search(sandbox, query: str) -> list[dict]:
    response = requests.post(
        api_url(sandbox, "googleAds:searchStream"),
        json={"query": query},
        headers=google_headers(sandbox),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return [row for batch in response.json() for row in batch.get("results", [])]


def _mutate(sandbox, service: str, operations: list, **flags) -> requests.Response:
    return requests.post(
        api_url(sandbox, f"{service}:mutate"),
        json={"operations": operations, **flags},
        headers=google_headers(sandbox),
        timeout=10,
    )


def _terms(sandbox, day) -> list[dict]:
    return _search(
        sandbox,
        "SELECT search_term_view.search_term, search_term_view.status, campaign.id, "
        "ad_group.id, segments.date, metrics.clicks, metrics.impressions, "
        "metrics.cost_micros, metrics.conversions, metrics.conversions_value "
        f"FROM search_term_view WHERE segments.date = '{day.isoformat()}' AND campaign.id = 1",
    )


def _advance(sandbox, days=1):
    requests.post(f"{sandbox.base_url}/_sandbox/advance", json={"days": days}, timeout=10)


def _irrelevant_term(sandbox) -> str:
    terms = sandbox.app.world.search_terms.terms
    campaign = sandbox.app.world.search_terms.campaign_of_term
    return next(
        t
        for t, junk, c in zip(terms.text, terms.irrelevant, campaign, strict=True)
        if junk and c == 0
    )


def test_the_report_splits_an_ad_groups_traffic_into_terms_in_googles_json(sandbox):
    rows = _terms(sandbox, START)
    assert rows and all(r["segments"]["date"] == START.isoformat() for r in rows)
    row = rows[0]
    assert isinstance(row["metrics"]["costMicros"], str)  # int64 as a string
    assert row["searchTermView"]["status"] == "NONE"
    assert row["searchTermView"]["resourceName"].startswith(
        f"customers/{CUSTOMER}/searchTermViews/1~"
    )
    irrelevant = _irrelevant_term(sandbox)
    spent = [r for r in rows if r["searchTermView"]["searchTerm"] == irrelevant]
    assert spent and all(r["metrics"]["conversions"] == 0 for r in spent)


def test_a_campaign_negative_stops_the_terms_spend_from_the_next_day(sandbox):
    term = _irrelevant_term(sandbox)
    op = {
        "create": {
            "campaign": CAMPAIGN,
            "negative": True,
            "keyword": {"text": term, "matchType": "EXACT"},
        }
    }
    response = _mutate(sandbox, "campaignCriteria", [op])
    assert response.status_code == 200, response.text
    name = response.json()["results"][0]["resourceName"]
    assert name.startswith(f"customers/{CUSTOMER}/campaignCriteria/1~")
    shown = _search(
        sandbox,
        "SELECT campaign_criterion.resource_name, campaign_criterion.keyword.text, "
        "campaign_criterion.negative FROM campaign_criterion "
        f"WHERE campaign.resource_name = '{CAMPAIGN}'",
    )
    assert [r["campaignCriterion"]["keyword"]["text"] for r in shown] == [term]

    _advance(sandbox, 2)  # today (the write's day) keeps its settings; tomorrow has none
    rows = _terms(sandbox, TODAY + timedelta(days=1))
    assert rows and term not in [r["searchTermView"]["searchTerm"] for r in rows]
    before = _terms(sandbox, TODAY - timedelta(days=1))
    assert term in [r["searchTermView"]["searchTerm"] for r in before]
    assert {
        r["searchTermView"]["status"] for r in before if r["searchTermView"]["searchTerm"] == term
    } == {"EXCLUDED"}

    # Removing it lets the traffic back in, from the day after.
    assert _mutate(sandbox, "campaignCriteria", [{"remove": name}]).status_code == 200
    _advance(sandbox, 2)
    later = _terms(sandbox, TODAY + timedelta(days=3))
    assert term in [r["searchTermView"]["searchTerm"] for r in later]


def test_a_shared_list_attached_to_a_campaign_blocks_its_terms_and_lowers_waste(sandbox):
    world = sandbox.app.world
    made = _mutate(
        sandbox,
        "sharedSets",
        [{"create": {"name": "Spectra negatives", "type": "NEGATIVE_KEYWORDS"}}],
    )
    assert made.status_code == 200, made.text
    shared = made.json()["results"][0]["resourceName"]
    again = _mutate(
        sandbox,
        "sharedSets",
        [{"create": {"name": "Spectra negatives", "type": "NEGATIVE_KEYWORDS"}}],
    )
    assert again.status_code == 400 and "DUPLICATE_NAME" in again.text
    junk = ["free", "jobs", "diy", "repair manual", "salary", "meaning", "wikipedia"]
    ops = [
        {"create": {"sharedSet": shared, "keyword": {"text": w, "matchType": "PHRASE"}}}
        for w in junk
    ]
    assert _mutate(sandbox, "sharedCriteria", ops).status_code == 200
    links = [
        {"create": {"campaign": f"customers/{CUSTOMER}/campaigns/{i + 1}", "sharedSet": shared}}
        for i in range(len(world.campaign_ids))
    ]
    assert _mutate(sandbox, "campaignSharedSets", links).status_code == 200
    listed = _search(sandbox, "SELECT shared_set.name, shared_set.member_count FROM shared_set")
    assert listed[0]["sharedSet"] == {
        "resourceName": shared,
        "name": "Spectra negatives",
        "memberCount": "7",
    }

    day = world.today
    _advance(sandbox, 3)
    assert wasted_spend(world, day - 3, day - 1)["wastedSpend"] > 0
    assert wasted_spend(world, day + 1, day + 2)["wastedSpend"] == 0


def test_negatives_are_refused_as_google_refuses_them(sandbox):
    positive = {
        "create": {
            "campaign": CAMPAIGN,
            "negative": False,
            "keyword": {"text": "shoes", "matchType": "EXACT"},
        }
    }
    refused = _mutate(sandbox, "campaignCriteria", [positive])
    assert refused.status_code == 400 and "CANNOT_TARGET_CRITERION" in refused.text
    bad_match = {
        "create": {
            "campaign": CAMPAIGN,
            "negative": True,
            "keyword": {"text": "shoes", "matchType": "exact"},
        }
    }
    # An enum Google does not name is refused by its JSON parser, before the mutate runs.
    wrong_enum = _mutate(sandbox, "campaignCriteria", [bad_match])
    assert wrong_enum.status_code == 400 and "INVALID_ARGUMENT" in wrong_enum.text
    assert "matchType" in wrong_enum.text
    checked = _mutate(
        sandbox,
        "campaignCriteria",
        [
            {
                "create": {
                    "campaign": CAMPAIGN,
                    "negative": True,
                    "keyword": {"text": "shoes", "matchType": "EXACT"},
                }
            }
        ],
        validateOnly=True,
    )
    assert checked.status_code == 200
    assert not sandbox.app.world.search_terms.negatives.criteria  # validateOnly wrote nothing


def test_a_restarted_sandbox_replays_the_negatives_and_their_effect(sandbox):
    from executors.sandbox.store import from_state, to_state

    term = _irrelevant_term(sandbox)
    op = {
        "create": {
            "campaign": CAMPAIGN,
            "negative": True,
            "keyword": {"text": term, "matchType": "EXACT"},
        }
    }
    assert _mutate(sandbox, "campaignCriteria", [op]).status_code == 200
    _advance(sandbox, 3)
    world = sandbox.app.world

    again = from_state(to_state(world))

    assert again.search_terms.negatives.criteria == world.search_terms.negatives.criteria
    for day in range(world.today):
        assert (again.search_terms.days[day] == world.search_terms.days[day]).all()
    assert (
        again.metrics(list(range(world.today)), 0) == world.metrics(list(range(world.today)), 0)
    ).all()
