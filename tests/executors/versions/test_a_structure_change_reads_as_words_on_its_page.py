"""A keyword or ad-copy change says on its page what it does, in words: which
headline replaces which, which keyword goes where."""

import pytest

from campaigns.models import Recommendation, RecommendationKind, Source
from campaigns.services.rollback import campaign_rollback_to_version
from tests.executors.versions.conftest import edited_launch

pytestmark = pytest.mark.django_db
K = RecommendationKind


def test_the_rollbacks_pages_say_what_they_restore(alice, sandbox, client):
    campaign, launch, _ = edited_launch(alice, sandbox)
    campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back to launch"
    )
    client.force_login(alice.approver)

    ad = Recommendation.objects.get(source=Source.ROLLBACK, kind=K.AD_REPLACE)
    page = client.get(f"/admin/campaigns/recommendation/{ad.pk}/change/")
    assert page.status_code == 200
    assert (
        "Ad copy of Wool socks: headline ‘Socks half price’ replaced by ‘Wool socks on sale’"
        in page.content.decode()
    )
    keyword = Recommendation.objects.get(source=Source.ROLLBACK, kind=K.KEYWORD_REMOVE)
    page = client.get(f"/admin/campaigns/recommendation/{keyword.pk}/change/")
    assert "Remove keyword ‘cheap wool socks’ [PHRASE] in Wool socks" in page.content.decode()
    listing = client.get("/admin/campaigns/recommendation/").content.decode()
    assert "Remove keyword ‘cheap wool socks’" in listing
