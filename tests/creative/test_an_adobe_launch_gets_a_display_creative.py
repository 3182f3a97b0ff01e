"""On Adobe each ad group gets, beside its search ad, the display creative the platform
takes: one headline, one description and the image; on Google Ads the search ad carries
the ad group's image."""

import pytest
from django.core.files.storage import default_storage

from campaigns.models import AdKind, AssetKind, CampaignStatus
from creative.launch.images import stored_name
from creative.models import AICall, Purpose
from tests.creative.launches import planned_launch, run_chain


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _kinds(ad):
    return sorted(ad.assets.values_list("kind", flat=True))


def test_an_adobe_ad_group_has_a_search_ad_and_a_display_creative(llm, alice):
    campaign = planned_launch(alice, platform="adobe")

    run_chain(campaign, start="copy")

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    display = campaign.ads.get(kind=AdKind.DISPLAY)
    assert _kinds(display) == [AssetKind.DESCRIPTION, AssetKind.HEADLINE, AssetKind.IMAGE]
    search = campaign.ads.get(kind=AdKind.RESPONSIVE_SEARCH)
    assert AssetKind.IMAGE not in _kinds(search)
    # the display text comes from the same generation, checked on its own
    headline = display.assets.get(kind=AssetKind.HEADLINE)
    assert headline.text in set(search.assets.values_list("text", flat=True))
    assert headline.verdict != "pending" and headline.prompt_version_id is not None
    # the same words are judged once: the display headline costs no second judge call
    texts = campaign.assets.exclude(kind=AssetKind.IMAGE).values_list("kind", "text")
    judged = AICall.objects.filter(campaign=campaign, purpose=Purpose.SAFETY).count()
    assert judged <= len(set(texts)) < len(texts)
    image = display.assets.get(kind=AssetKind.IMAGE)
    with default_storage.open(stored_name(image.image_url), "rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_google_ads_search_ad_carries_the_image(llm, alice):
    campaign = planned_launch(alice, platform="google_ads")

    run_chain(campaign, start="copy")

    assert [ad.kind for ad in campaign.ads.all()] == [AdKind.RESPONSIVE_SEARCH]
    assert AssetKind.IMAGE in _kinds(campaign.ads.get())
