"""Another organization's approver can neither roll a campaign back to a version nor
see its versions: a refusal in words from the service, a 404 from the console."""

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import Recommendation, Source
from campaigns.services.rollback import campaign_rollback_to_version
from tests.executors.versions.conftest import edited_launch

pytestmark = pytest.mark.django_db


def test_bob_cannot_roll_back_alices_campaign(alice, bob, sandbox, client):
    campaign, launch, _ = edited_launch(alice, sandbox)

    with pytest.raises(PermissionDenied, match="may not rollback recommendation"):
        campaign_rollback_to_version(
            campaign=campaign, history_id=launch, actor=bob.approver, note="mine now"
        )
    client.force_login(bob.approver)
    url = f"/admin/campaigns/campaign/{campaign.pk}/versions/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}{launch}/rollback/", {"note": "mine"}).status_code == 404
    assert not Recommendation.objects.filter(source=Source.ROLLBACK).exists()
