"""The dashboard has a "Launch a campaign" entry for those who may write a brief, and
counts the organization's launches by state, each count opening the campaigns in that
state; the launches waiting for review link to their review pages. Another
organization's launches are not counted."""

import pytest
from django.urls import reverse

from campaigns.models import CampaignStatus
from tests.factories import make_launched_campaign

pytestmark = pytest.mark.django_db
S = CampaignStatus
INDEX = reverse("admin:index")


@pytest.fixture
def launches(alice, bob):
    return {
        "draft": make_launched_campaign(alice.account, S.DRAFT, name="Alice draft"),
        "review_a": make_launched_campaign(alice.account, S.PENDING_DEPLOYMENT, name="Alice A"),
        "review_b": make_launched_campaign(alice.account, S.PENDING_DEPLOYMENT, name="Alice B"),
        "failed": make_launched_campaign(alice.account, S.FAILED, name="Alice failed"),
        "bob": make_launched_campaign(bob.account, S.PENDING_DEPLOYMENT, name="Bob review"),
    }


def _counts(response) -> dict[str, int]:
    rows = response.context["launch_rows"]
    return {row["state"]: row["n"] for row in rows}


def test_launches_are_counted_by_state_for_the_organization_only(client, alice, launches):
    client.force_login(alice.analyst)
    response = client.get(INDEX)

    assert _counts(response) == {
        "draft": 1,
        "generating_assets": 0,
        "pending_deployment": 2,
        "deploying": 0,
        "failed": 1,
    }
    page = response.content.decode()
    for waiting in (launches["review_a"], launches["review_b"]):
        assert reverse("admin:creative_launch_review", args=[waiting.pk]) in page
    assert "Bob review" not in page
    assert alice.campaign.name not in page  # synced campaigns are no launches


def test_each_count_opens_the_campaigns_in_that_state(client, alice, launches):
    client.force_login(alice.analyst)
    [row] = [r for r in client.get(INDEX).context["launch_rows"] if r["state"] == "failed"]

    listing = client.get(row["link"]).content.decode()

    assert "Alice failed" in listing
    assert "Alice draft" not in listing and "Alice A" not in listing


def test_the_launch_entry_is_for_those_who_may_write_a_brief(client, alice):
    client.force_login(alice.analyst)
    page = client.get(INDEX).content.decode()
    assert 'id="tile-launch"' in page
    assert reverse("admin:campaigns_campaign_launch") in page

    client.force_login(alice.viewer)
    assert 'id="tile-launch"' not in client.get(INDEX).content.decode()
