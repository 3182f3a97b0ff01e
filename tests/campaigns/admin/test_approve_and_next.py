"""'Approve and next' on a recommendation's page: approve it, then open the next
proposed one in the list the reviewer came from, with that list's filters kept."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils import timezone

from campaigns.models import ChangeSet, Recommendation, RecommendationStatus, Risk
from tests.campaigns.admin.conftest import change_url, changelist_url, messages_of, transition_url
from tests.factories import make_account, make_campaign, make_recommendation

R = RecommendationStatus
QUEUE_FILTERS = "status__exact=proposed&change_set__isnull=True"


def _created_hours_ago(rec, hours: int) -> None:
    Recommendation.objects.filter(pk=rec.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def _approve_and_next(client, rec, filters: str):
    query = urlencode({"and_next": "1", "_changelist_filters": filters})
    return client.post(f"{transition_url(rec)}?{query}", {"transition": "approve", "note": "ok"})


def _lands_on(response) -> tuple[str, dict]:
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query)


def test_it_approves_and_opens_the_next_proposed_one_in_the_same_order(client, alice):
    alice.recommendation.delete()
    first, second, third = (make_recommendation(alice.campaign) for _ in range(3))
    for hours, rec in enumerate([first, second, third]):
        _created_hours_ago(rec, hours)  # newest first: first, second, third
    client.force_login(alice.approver)

    response = _approve_and_next(client, second, QUEUE_FILTERS)

    second.refresh_from_db()
    assert (second.status, second.decided_by) == (R.APPROVED, alice.approver)
    path, query = _lands_on(response)
    assert path == change_url(third)  # after the approved one, not back at the top
    assert query["_changelist_filters"] == [QUEUE_FILTERS]


def test_it_follows_the_sort_the_reviewer_chose(client, alice):
    alice.recommendation.delete()
    low = make_recommendation(alice.campaign, risk=Risk.LOW)
    high = make_recommendation(alice.campaign, risk=Risk.HIGH)
    medium = make_recommendation(alice.campaign, risk=Risk.MEDIUM)
    client.force_login(alice.approver)
    column = (
        client.get(changelist_url("recommendation"))
        .context["cl"]
        .list_display.index("risk_display")
    )
    by_risk = f"{QUEUE_FILTERS}&o=-{column}"

    response = _approve_and_next(client, high, by_risk)

    assert _lands_on(response)[0] == change_url(medium)
    response = _approve_and_next(client, medium, by_risk)
    assert _lands_on(response)[0] == change_url(low)


def test_it_keeps_to_the_filtered_list_and_skips_change_set_legs(client, alice):
    alice.recommendation.delete()
    other_account = make_account(alice.org)
    here = make_recommendation(alice.campaign)
    elsewhere = make_recommendation(make_campaign(other_account))
    leg = make_recommendation(
        alice.campaign,
        change_set=ChangeSet.objects.create(
            account=alice.account, total_before=Decimal("5000"), total_after=Decimal("5000")
        ),
    )
    after = make_recommendation(alice.campaign)
    for hours, rec in enumerate([here, elsewhere, leg, after]):
        _created_hours_ago(rec, hours)
    client.force_login(alice.approver)

    response = _approve_and_next(client, here, f"status__exact=proposed&account={alice.account.pk}")

    assert _lands_on(response)[0] == change_url(after)


def test_after_the_last_one_it_returns_to_the_filtered_list_and_says_so(client, alice):
    alice.recommendation.delete()
    only = make_recommendation(alice.campaign)
    client.force_login(alice.approver)

    response = _approve_and_next(client, only, QUEUE_FILTERS)

    path, query = _lands_on(response)
    assert path == changelist_url("recommendation")
    assert query == {"status__exact": ["proposed"], "change_set__isnull": ["True"]}
    assert "No proposed recommendation is left in this list." in messages_of(response)


def test_a_refused_approval_stays_on_the_page(client, alice):
    alice.recommendation.delete()
    decided = make_recommendation(alice.campaign, status=R.REJECTED)
    make_recommendation(alice.campaign)
    client.force_login(alice.approver)

    response = _approve_and_next(client, decided, QUEUE_FILTERS)

    assert _lands_on(response)[0] == change_url(decided)


def test_the_page_offers_approve_and_next_with_the_lists_filters(client, alice):
    client.force_login(alice.approver)
    filters = urlencode({"_changelist_filters": QUEUE_FILTERS})

    content = client.get(f"{change_url(alice.recommendation)}?{filters}").content.decode()

    assert "Approve and next" in content
    assert f'formaction="{transition_url(alice.recommendation)}?and_next=1&amp;' in content
    assert "_changelist_filters=status__exact%3Dproposed" in content


def test_an_analyst_is_not_offered_approve_and_next(client, alice):
    client.force_login(alice.analyst)

    assert "Approve and next" not in client.get(change_url(alice.recommendation)).content.decode()
