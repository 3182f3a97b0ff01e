"""The reallocation queue: one row per change set with its legs inside, decided as a whole."""

from campaigns.models import ChangeSetStatus, RecommendationStatus
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of
from tests.campaigns.change_sets import make_change_set

R = RecommendationStatus


def test_each_change_set_is_one_row_listing_its_legs_and_bobs_are_not_shown(client, alice, bob):
    mine, theirs = make_change_set(alice), make_change_set(bob)
    client.force_login(alice.viewer)

    response = client.get(changelist_url("changeset") + "?status__exact=proposed")

    assert [cs.pk for cs in response.context["cl"].result_list] == [mine.pk]
    content = response.content.decode()
    for leg in mine.legs.select_related("campaign"):
        assert leg.campaign.name in content
    assert "₹15,000 → ₹15,000" in content
    assert f"#{theirs.pk}" not in content


def test_approving_a_set_from_the_queue_approves_every_leg(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.approver)

    response = client.post(
        changelist_url("changeset"),
        {"action": "approve_selected", "_selected_action": [change_set.pk], "post": "yes"},
        follow=True,
    )

    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.APPROVED
    assert set(change_set.legs.values_list("status", flat=True)) == {R.APPROVED}
    assert any("Approved 1 change set(s)" in m for m in messages_of(response))


def test_a_leg_page_offers_no_approve_button_and_links_to_its_set(client, alice):
    change_set = make_change_set(alice)
    leg = change_set.legs.first()
    client.force_login(alice.approver)

    content = client.get(change_url(leg)).content.decode()

    assert f"reallocation #{change_set.pk}" in content
    assert 'value="approve"' not in content


def test_the_recommendation_queue_shows_a_set_as_one_row_not_its_legs(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.approver)

    response = client.get("/admin/campaigns/recommendation/queue/", follow=True)

    listed = {rec.pk for rec in response.context["cl"].result_list}
    legs = set(change_set.legs.values_list("pk", flat=True))
    assert alice.recommendation.pk in listed
    assert listed & legs == {min(legs)}
    assert f"reallocation #{change_set.pk} · 3 campaigns" in response.content.decode()
