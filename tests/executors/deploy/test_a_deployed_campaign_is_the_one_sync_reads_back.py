"""After deployment the platform's next sync finds the launch under the external ids
deployment stored: the same Spectra rows, no second copy of the campaign."""

import pytest

from campaigns.actors import system_user
from campaigns.models import AdGroup, Campaign
from executors.deploy import deploy_campaign
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.executors.deploy.conftest import adobe_account, google_account, make_launch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make_account", [google_account, adobe_account])
def test_sync_after_deployment_keeps_one_row_per_object(alice, sandbox, make_account):
    account = make_account(alice, sandbox)
    campaign = make_launch(account)
    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"

    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1], actor=system_user())

    assert Campaign.objects.filter(account=account, name="Winter socks").count() == 1
    assert AdGroup.objects.filter(campaign=campaign).count() == 2
