"""Two organizations launching campaigns of the same name on their own platform
accounts each get their own objects: a lookup never adopts the other's."""

import pytest

from campaigns.actors import system_user
from campaigns.models import Campaign
from executors.deploy import deploy_campaign
from executors.sandbox.server import SandboxServer
from tests.executors.conftest import HISTORY_DAYS, START
from tests.executors.deploy.conftest import created, google_account, make_launch

pytestmark = pytest.mark.django_db


def test_same_named_launches_of_two_tenants_stay_apart(alice, bob, sandbox):
    with SandboxServer(
        seed=8,
        campaigns=4,
        ad_groups_per_campaign=2,
        audiences=2,
        history_days=HISTORY_DAYS,
        start_date=START,
    ) as other:
        mine = make_launch(google_account(alice, sandbox))
        theirs = make_launch(google_account(bob, other))

        assert deploy_campaign(mine.pk, actor=system_user()) == "active"
        assert deploy_campaign(theirs.pk, actor=system_user()) == "active"

        assert len(created(sandbox, "campaigns")) == 1
        assert len(created(other, "campaigns")) == 1
        assert len(created(other, "adGroupAds")) == 2
        [on_mine], [on_theirs] = created(sandbox, "campaigns"), created(other, "campaigns")
    mine, theirs = Campaign.objects.get(pk=mine.pk), Campaign.objects.get(pk=theirs.pk)
    assert mine.external_id == str(on_mine["id"])
    assert theirs.external_id == str(on_theirs["id"])
    assert len(other.app.world.writes) == len(sandbox.app.world.writes)
