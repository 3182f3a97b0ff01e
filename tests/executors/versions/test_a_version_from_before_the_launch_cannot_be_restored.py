"""A version from before the launch reached the platform (deploying) is not restored:
it would take every keyword and ad away from the live campaign. The service says so in
words and the versions page offers no rollback for it."""

import pytest

from campaigns.models import CampaignStatus, Recommendation, Source
from campaigns.services.errors import ServiceError
from campaigns.services.rollback import campaign_rollback_to_version
from tests.executors.versions.conftest import launched

pytestmark = pytest.mark.django_db


def test_the_deploying_version_is_refused_and_offered_no_rollback(alice, sandbox, client):
    campaign, _ = launched(alice, sandbox)
    before = campaign.history.filter(status=CampaignStatus.DEPLOYING).order_by("history_date")[0]

    with pytest.raises(ServiceError, match="from before the campaign was launched"):
        campaign_rollback_to_version(
            campaign=campaign, history_id=before.history_id, actor=alice.approver, note="x"
        )
    assert not Recommendation.objects.filter(source=Source.ROLLBACK).exists()

    client.force_login(alice.approver)
    html = client.get(f"/admin/campaigns/campaign/{campaign.pk}/versions/").content.decode()
    assert f"/versions/{before.history_id}/rollback/" not in html
    assert "from before the launch: nothing on the platform to restore" in html
