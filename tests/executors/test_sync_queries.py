"""The number of queries a sync issues does not grow with the number of rows."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.actors import system_user
from campaigns.services.accounts import account_set_credentials
from executors.clients.adobe import forget_cached_tokens
from executors.sandbox.server import SandboxServer
from executors.sync import sync_account
from spectra.demo import SANDBOX_CREDENTIALS
from tests.factories import make_account

START = date(2026, 10, 1)


def _queries_for_sync(org, campaigns: int) -> int:
    forget_cached_tokens()
    with SandboxServer(
        seed=3,
        campaigns=campaigns,
        ad_groups_per_campaign=4,
        audiences=6,
        history_days=10,
        start_date=START,
    ) as sandbox:
        account = make_account(org, api_base_url=sandbox.base_url)
        account_set_credentials(account=account, actor=system_user(), values=SANDBOX_CREDENTIALS)
        account.refresh_from_db()
        system_user()  # created once, outside the measurement
        with CaptureQueriesContext(connection) as ctx:
            sync_account(account=account, date_from=START, date_to=START + timedelta(days=9))
    return len(ctx.captured_queries)


def test_a_sync_of_ten_times_more_rows_issues_the_same_number_of_queries(alice):
    small = _queries_for_sync(alice.org, campaigns=3)  # 120 metric rows
    large = _queries_for_sync(alice.org, campaigns=30)  # 1,200 metric rows

    assert large == small
