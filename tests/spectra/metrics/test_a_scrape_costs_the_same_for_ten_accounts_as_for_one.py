"""A scrape's queries do not grow with the fleet (Prometheus scrapes every 15-60 s)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_account, make_campaign, make_org


def _queries(settings) -> int:
    settings.SPECTRA_METRICS_TOKEN = "t"
    with CaptureQueriesContext(connection) as seen:
        assert Client().get("/metrics/", HTTP_AUTHORIZATION="Bearer t").status_code == 200
    return len(seen)


def test_queries_are_constant_in_accounts_and_campaigns(db, settings, alice):
    _queries(settings)  # the first request of a process sets up what every later one reuses
    one = _queries(settings)
    for n in range(10):
        account = make_account(make_org(f"Fleet {n}"))
        for _ in range(3):
            make_campaign(account, max_daily_spend=1000)
    assert _queries(settings) == one
