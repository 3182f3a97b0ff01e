"""The approval queue shows a reallocation as one row beside the single changes: found by
any of its legs, sorted by the set's figures, and decided as a whole when ticked."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import ChangeSetStatus, Recommendation, RecommendationStatus
from tests.campaigns.admin.conftest import changelist_url, messages_of
from tests.campaigns.change_sets import make_change_set
from tests.factories import make_recommendation

R = RecommendationStatus
QUEUE = changelist_url("recommendation") + "?sets=grouped&status__exact=proposed"
# 24 budgets up by ₹500 and 24 down by ₹500: one zero-sum decision of 48 legs.
FORTY_EIGHT = ((5000, 5500),) * 24 + ((5000, 4500),) * 24


def _listed(response) -> list[int]:
    return [rec.pk for rec in response.context["cl"].result_list]


def _legs(change_set) -> list[int]:
    return list(change_set.legs.order_by("pk").values_list("pk", flat=True))


def test_a_48_leg_reallocation_is_one_row_that_says_what_it_does(client, alice, bob):
    change_set = make_change_set(alice, FORTY_EIGHT, expected_impact=Decimal("25.50"))
    make_change_set(bob, FORTY_EIGHT)
    client.force_login(alice.viewer)

    response = client.get(QUEUE)

    assert _listed(response) == [_legs(change_set)[0], alice.recommendation.pk]
    content = response.content.decode()
    assert f"reallocation #{change_set.pk} · 48 campaigns" in content
    assert "+₹12,000 / −₹12,000, net ₹0" in content
    assert "₹1,224" in content  # the impact of the set: 48 × ₹25.50
    # Its legs are inside the row, each linked to its own page.
    assert content.count(f'href="/admin/campaigns/recommendation/{_legs(change_set)[5]}/change/"')


def test_without_grouping_the_list_shows_every_leg(client, alice):
    change_set = make_change_set(alice, FORTY_EIGHT)
    client.force_login(alice.viewer)

    response = client.get(changelist_url("recommendation") + "?status__exact=proposed")

    assert set(_legs(change_set)) <= set(_listed(response))


def test_a_set_is_found_by_any_of_its_legs(client, alice):
    change_set = make_change_set(alice)
    fifth = change_set.legs.order_by("pk")[2]
    client.force_login(alice.viewer)

    response = client.get(f"{QUEUE}&q={fifth.campaign.name}")

    assert _listed(response) == [fifth.pk]
    assert f"reallocation #{change_set.pk} · 3 campaigns" in response.content.decode()


def test_a_set_sorts_by_its_total_impact(client, alice):
    # Each leg's impact is small, the set's total beats the single change.
    change_set = make_change_set(alice, FORTY_EIGHT, expected_impact=Decimal("10"))
    single = make_recommendation(alice.campaign, expected_impact=Decimal("300"))
    alice.recommendation.delete()
    client.force_login(alice.viewer)
    impact = client.get(QUEUE).context["cl"].list_display.index("impact_short")

    descending = _listed(client.get(f"{QUEUE}&o=-{impact}"))

    assert descending == [_legs(change_set)[0], single.pk]


def test_approving_the_set_row_approves_every_leg_and_the_single_beside_it(client, alice):
    change_set = make_change_set(alice, FORTY_EIGHT)
    first = _legs(change_set)[0]
    client.force_login(alice.approver)

    response = client.post(
        QUEUE,
        {
            "action": "approve_selected",
            "_selected_action": [first, alice.recommendation.pk],
            "post": "yes",
        },
        follow=True,
    )

    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.APPROVED
    assert change_set.decided_by == alice.approver
    assert set(change_set.legs.values_list("status", flat=True)) == {R.APPROVED}
    alice.recommendation.refresh_from_db()
    assert alice.recommendation.status == R.APPROVED
    said = messages_of(response)
    assert "Approved 1 recommendation(s)." in said
    assert "Approved 1 reallocation(s) as a whole, 48 leg(s) with their set." in said
    last = Recommendation.objects.get(pk=_legs(change_set)[-1]).history.latest("history_date")
    assert last.history_change_reason == "Approved (with its change set)"


def test_the_confirmation_page_names_the_set_and_its_legs(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.approver)

    response = client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [_legs(change_set)[0]]}
    )

    content = response.content.decode()
    assert "Reject 1 reallocation(s), each with all its legs?" in content
    assert (
        f"reallocation #{change_set.pk}</a> · default pool · 3 legs · "
        "+₹1,000 / −₹1,000, net ₹0 · pool total ₹15,000"
    ) in content
    assert change_set.legs.filter(status=R.PROPOSED).count() == 3


def test_rejecting_the_set_row_rejects_every_leg_with_the_note(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.approver)

    client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [_legs(change_set)[0]],
            "post": "yes",
            "note": "Budgets are frozen this week.",
        },
    )

    change_set.refresh_from_db()
    assert (change_set.status, change_set.decision_note) == (
        ChangeSetStatus.REJECTED,
        "Budgets are frozen this week.",
    )
    assert set(change_set.legs.values_list("status", flat=True)) == {R.REJECTED}


def test_a_ticked_leg_in_the_full_list_stands_for_its_whole_set(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.approver)

    client.post(
        changelist_url("recommendation"),
        {"action": "approve_selected", "_selected_action": [_legs(change_set)[1]], "post": "yes"},
    )

    assert set(change_set.legs.values_list("status", flat=True)) == {R.APPROVED}


def test_a_set_no_longer_proposed_is_refused_whole(client, alice):
    change_set = make_change_set(alice)
    Recommendation.objects.filter(pk=_legs(change_set)[2]).update(status=R.EXPIRED)
    client.force_login(alice.approver)

    response = client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [_legs(change_set)[0]], "post": "yes"},
        follow=True,
    )

    assert set(change_set.legs.values_list("status", flat=True)) == {R.PROPOSED, R.EXPIRED}
    assert any(f"reallocation #{change_set.pk}: Its leg" in m for m in messages_of(response))


def test_a_viewer_cannot_approve_a_set_from_the_queue(client, alice):
    change_set = make_change_set(alice)
    client.force_login(alice.viewer)

    client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [_legs(change_set)[0]], "post": "yes"},
    )

    assert set(change_set.legs.values_list("status", flat=True)) == {R.PROPOSED}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_grouped_queue_costs_the_same_queries_for_one_small_set_or_five_large_ones(
    client, alice
):
    make_change_set(alice)
    client.force_login(alice.admin)
    client.get(QUEUE)  # warm caches that are not per request (content types)
    with_one = _queries(client, QUEUE)

    for _ in range(4):
        make_change_set(alice, FORTY_EIGHT)
    with_five = _queries(client, QUEUE)

    assert with_five == with_one
    # The list's own (test_changelist_query_counts: 9 with the saved views), and one for
    # the legs of every set on the page.
    assert with_one <= 10


def test_a_legs_campaign_name_is_shown_as_text_never_as_markup(client, alice):
    change_set = make_change_set(alice)
    leg = change_set.legs.order_by("pk")[1]
    leg.campaign.name = '<img src=x onerror="alert(1)">'
    leg.campaign.save(update_fields=["name"])
    client.force_login(alice.viewer)

    content = client.get(QUEUE).content.decode()

    assert '<img src=x onerror="alert(1)">' not in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content
