"""A brief launches through the API as it does in the console: created (a message per
field when it is wrong, nothing created), generated (the steps driven here as the task
layer would), reviewed (assets with verdicts and reasons, strategy, cost, problems),
refused while anything needs a person, approved, deployed to the sandbox platform and
ACTIVE. A viewer cannot write a brief; bob never sees alice's launch."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Brief, Campaign, CampaignStatus
from executors.deploy import deploy_campaign
from tests.api.helpers import client_for
from tests.creative.conftest import _fast_backoff, llm  # noqa: F401
from tests.creative.launches import run_chain
from tests.executors.conftest import sandbox  # noqa: F401
from tests.executors.deploy.conftest import _fresh_tokens, created, google_account  # noqa: F401
from tests.factories import brief_fields

pytestmark = pytest.mark.django_db
BRIEFS = "/api/v1/briefs/"


def _brief(account, **changes) -> dict:
    data = brief_fields(account, **changes)
    for name in ("locations", "languages"):
        data[name] = [v.strip() for v in data[name].split(",")]
    data["selling_points"] = data["selling_points"].splitlines()
    return {"account": account.pk, **data}


def _counts():
    return Campaign.objects.count(), Brief.objects.count()


def test_a_brief_goes_from_draft_to_active(alice, sandbox, llm):  # noqa: F811
    account = google_account(alice, sandbox)
    analyst, approver = client_for(alice.analyst), client_for(alice.approver)

    made = analyst.post(BRIEFS, _brief(account), format="json")
    assert made.status_code == 201, made.json()
    brief = made.json()
    assert brief["status"] == "draft" and brief["platform"] == "google_ads"
    assert brief["locations"] == ["IN", "Mumbai"]

    generating = analyst.post(f"{BRIEFS}{brief['id']}/generate/")
    assert generating.status_code == 200 and generating.json()["status"] == "generating_assets"
    assert analyst.post(f"{BRIEFS}{brief['id']}/generate/").status_code == 409
    run_chain(Campaign.objects.get(pk=brief["campaign"]))

    review = analyst.get(f"{BRIEFS}{brief['id']}/review/").json()
    assert review["status"] == "pending_deployment"
    assert review["ad_groups"] and all(g["keywords"] for g in review["ad_groups"])
    assets = [a for ad in review["ads"] for a in ad["assets"]]
    assert {a["kind"] for a in assets} >= {"headline", "description"}
    assert all(a["verdict"] != "pending" for a in assets)
    assert float(review["cost"]) > 0

    # A headline the reviewer rejects stays out; one made unsafe blocks approval, in words.
    headline = next(a for a in assets if a["kind"] == "headline" and a["verdict"] == "safe")
    assert (
        analyst.post(f"/api/v1/assets/{headline['id']}/edit/", {"text": "GUARANTEED #1 results"})
    ).status_code == 200
    refused = approver.post(f"{BRIEFS}{brief['id']}/approve/", {})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "refused" and any("GUARANTEED" in p for p in body["problems"])
    assert (
        analyst.post(f"/api/v1/assets/{headline['id']}/reject/", {"note": "Overclaims"}).json()[
            "review"
        ]
        == "rejected"
    )
    for asset in assets:  # what a person must pass: the uncertain ones
        if asset["verdict"] == "uncertain":
            approver.post(f"/api/v1/assets/{asset['id']}/approve/", {"note": "Looked at it"})
    assert analyst.post(f"{BRIEFS}{brief['id']}/approve/", {}).status_code == 403
    review = analyst.get(f"{BRIEFS}{brief['id']}/review/").json()
    assert review["problems"] == []

    approved = approver.post(f"{BRIEFS}{brief['id']}/approve/", {"note": "Good to go"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "deploying"
    assert approved.json()["approved_by"] == alice.approver.username
    assert deploy_campaign(brief["campaign"], actor=system_user()) == "active"

    assert analyst.get(f"{BRIEFS}{brief['id']}/").json()["status"] == "active"
    names = [c["name"] for c in created(sandbox, "campaigns")]
    assert names.count("Winter socks launch") == 1


def test_a_bad_brief_gets_a_message_per_field_and_creates_nothing(alice):
    analyst = client_for(alice.analyst)
    before = _counts()

    bad = analyst.post(
        BRIEFS,
        _brief(alice.account, landing_url="not a url", objective="value", target_cpa=None),
        format="json",
    )

    assert bad.status_code == 400 and _counts() == before
    body = bad.json()
    assert body["code"] == "invalid"
    assert "web address" in body["fields"]["landing_url"][0]
    assert "target ROAS" in body["fields"]["target_roas"][0]


def test_a_failed_launch_goes_back_to_draft_with_a_reason(alice):
    analyst = client_for(alice.analyst)
    brief = analyst.post(BRIEFS, _brief(alice.account), format="json").json()
    Campaign.objects.filter(pk=brief["campaign"]).update(status=CampaignStatus.FAILED)

    assert analyst.post(f"{BRIEFS}{brief['id']}/reset/", {"reason": " "}).status_code == 400
    reset = analyst.post(f"{BRIEFS}{brief['id']}/reset/", {"reason": "New landing page"})

    assert reset.status_code == 200 and reset.json()["status"] == "draft"
    # The campaign's own transition takes the same way back, through the launch's service.
    Campaign.objects.filter(pk=brief["campaign"]).update(status=CampaignStatus.FAILED)
    moved = analyst.post(
        f"/api/v1/campaigns/{brief['campaign']}/transition/",
        {"transition": "reset_to_draft", "reason": "Copy fixed"},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "draft"
    latest = Campaign.objects.get(pk=brief["campaign"]).history.first()
    assert latest.history_change_reason == "Back to draft: Copy fixed"


def test_a_viewer_cannot_write_a_brief_nor_start_one(alice):
    analyst, viewer = client_for(alice.analyst), client_for(alice.viewer)
    brief = analyst.post(BRIEFS, _brief(alice.account), format="json").json()
    before = _counts()

    assert viewer.post(BRIEFS, _brief(alice.account), format="json").status_code == 403
    assert viewer.post(f"{BRIEFS}{brief['id']}/generate/").status_code == 403
    assert viewer.get(f"{BRIEFS}{brief['id']}/review/").status_code == 200
    assert _counts() == before


def test_bob_cannot_see_nor_touch_alices_launch(alice, bob):
    brief = client_for(alice.analyst).post(BRIEFS, _brief(alice.account), format="json").json()
    bobs = client_for(bob.approver)

    assert bobs.get(BRIEFS).json()["results"] == []
    for path in ("", "review/"):
        assert bobs.get(f"{BRIEFS}{brief['id']}/{path}").status_code == 404
    for path in ("generate/", "approve/", "reset/"):
        assert bobs.post(f"{BRIEFS}{brief['id']}/{path}", {"reason": "x"}).status_code == 404
    refused = bobs.post(BRIEFS, _brief(alice.account), format="json")
    assert refused.status_code == 400 and "account" in refused.json()["fields"]
