"""A launch's assets through the API, as on the review page: a regeneration is new,
checked text; an AI that cannot answer is a 503 in words and the asset stays as it
was; nothing unsafe is approved; viewers only look; bob's token finds nothing."""

import pytest

from tests.api.helpers import client_for
from tests.creative.conftest import _fast_backoff, llm  # noqa: F401
from tests.creative.launches import asset, reviewed_launch

pytestmark = pytest.mark.django_db
UNSAFE = "Beats Acme Ads, GUARANTEED"


def _url(target, verb: str) -> str:
    return f"/api/v1/assets/{target.pk}/{verb}/"


def test_a_regeneration_is_new_checked_text(alice, llm):  # noqa: F811
    target = asset(reviewed_launch(alice), UNSAFE)

    answer = client_for(alice.analyst).post(_url(target, "regenerate"), {"note": "the trial"})

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["text"] != UNSAFE and body["verdict"] in ("safe", "uncertain")
    assert body["review"] == "proposed"


def test_an_ai_that_cannot_answer_is_a_503_and_the_asset_stays(alice, llm):  # noqa: F811
    target = asset(reviewed_launch(alice), UNSAFE)
    llm.set_faults(next=["500"] * 20)

    answer = client_for(alice.analyst).post(_url(target, "regenerate"), {"note": "the trial"})

    assert answer.status_code == 503
    assert answer.json()["code"] == "ai_unavailable"
    target.refresh_from_db()
    assert target.text == UNSAFE


def test_nothing_unsafe_is_approved(alice):
    target = asset(reviewed_launch(alice), UNSAFE)

    refused = client_for(alice.approver).post(_url(target, "approve"), {})

    assert refused.status_code == 400 and "cannot be approved" in refused.json()["message"]
    target.refresh_from_db()
    assert target.review == "proposed"


def test_viewers_look_and_bob_finds_nothing(alice, bob):
    campaign = reviewed_launch(alice)
    target = asset(campaign, "Free returns on shoes")
    viewer, bobs = client_for(alice.viewer), client_for(bob.approver)

    listed = viewer.get(f"/api/v1/assets/?campaign={campaign.pk}").json()["results"]
    assert {a["text"] for a in listed} >= {"Free returns on shoes", UNSAFE}
    assert viewer.post(_url(target, "reject"), {"note": "no"}).status_code == 403
    assert bobs.get(f"/api/v1/assets/?campaign={campaign.pk}").json()["results"] == []
    assert bobs.post(_url(target, "reject"), {"note": "no"}).status_code == 404
    target.refresh_from_db()
    assert target.review == "proposed"
