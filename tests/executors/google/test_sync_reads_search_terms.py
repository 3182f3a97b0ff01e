"""sync_account reads a Google account's search-terms report into SearchTermDay rows."""

from decimal import Decimal

from django.db.models import F

from campaigns.models import SearchTermDay
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.executors.google.negatives_support import google_account


def test_sync_stores_each_terms_day_with_its_spend_clicks_and_conversions(alice, bob, sandbox):
    account = google_account(alice.org, sandbox)

    run = sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert run.status == "succeeded", run.error
    rows = SearchTermDay.objects.filter(account=account)
    assert rows.count() > 0
    world = sandbox.world
    terms = world.search_terms.terms
    junk = next(i for i, bad in enumerate(terms.irrelevant) if bad)
    day = world.day_of(WINDOW[0])
    row = rows.get(
        ad_group__external_id=str(terms.ad_group[junk] + 1),
        text=terms.text[junk],
        date=WINDOW[0],
    )
    truth = world.search_terms.days[day]
    assert row.clicks == int(truth[1, junk])
    assert row.cost == Decimal(str(round(float(truth[0, junk]), 2)))
    assert row.conversions == 0  # an irrelevant term never converts
    assert row.campaign_id == row.ad_group.campaign_id
    # Bob's organization sees none of them.
    assert not SearchTermDay.objects.filter(account__organization=bob.org).exists()


def test_a_second_sync_updates_the_same_rows_instead_of_adding_copies(alice, sandbox):
    account = google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    rows = SearchTermDay.objects.filter(account=account)
    before = sorted(rows.values_list("ad_group_id", "text", "date", "clicks"))
    rows.update(clicks=F("clicks") + 1000)

    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert sorted(rows.values_list("ad_group_id", "text", "date", "clicks")) == before
