"""A negative-keyword proposal's page says which term, what it cost and why."""

from django.urls import reverse

from campaigns.models import RecommendationKind
from tests.factories import make_recommendation

REASON = (
    "Search term ‘sarees jobs’ took 412 clicks and ₹3,604.00 with no conversions in 28 days; "
    "converting like its ad groups (2.9%) it would have had 12.0. So few by chance: "
    "p = 6.1e-06 (0.00012 after correcting for 40 terms tested)."
)


def _negative(campaign):
    return make_recommendation(
        campaign,
        kind=RecommendationKind.NEGATIVE_KEYWORD,
        current_value=None,
        proposed_value=None,
        structure={
            "ad_group": None,
            "text": "sarees jobs",
            "match_type": "EXACT",
            "negative": True,
        },
        reason=REASON,
        evidence={"term": "sarees jobs", "clicks": 412, "spend": "3604.00", "p_value": 6.1e-06},
    )


def test_the_page_names_the_term_its_spend_and_the_test(client, alice):
    rec = _negative(alice.campaign)
    client.force_login(alice.approver)

    response = client.get(reverse("admin:campaigns_recommendation_change", args=[rec.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Add negative keyword" in content
    assert "‘sarees jobs’" in content and "₹3,604.00" in content and "p = 6.1e-06" in content


def test_another_organization_cannot_open_it(client, alice, bob):
    rec = _negative(alice.campaign)
    client.force_login(bob.approver)

    response = client.get(reverse("admin:campaigns_recommendation_change", args=[rec.pk]))

    assert response.status_code in (302, 404)
