"""A Google Ads account of alice's pointing at the sandbox's /googleads/ mount."""

from campaigns.actors import system_user
from campaigns.services.accounts import account_set_credentials
from tests.executors.google.conftest import google_base
from tests.factories import make_account


def google_account(org, sandbox, name="alice google"):
    account = make_account(
        org,
        name=name,
        platform="google_ads",
        external_id="123-456-7890",
        api_base_url=google_base(sandbox),
    )
    account_set_credentials(
        account=account, actor=system_user(), values=sandbox.app.google.config.credentials()
    )
    account.refresh_from_db()
    return account
