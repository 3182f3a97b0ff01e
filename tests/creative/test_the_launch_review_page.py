"""The launch review page shows the ad as the platform would, every asset with its
verdict, reasons, review and source, the strategy, the flags and the cost; it changes
one asset at a time and approves the launch; another tenant gets a 404."""

import pytest
from django.urls import reverse

from campaigns.models import AssetReview, Brief, CampaignStatus, Keyword
from creative.launch.images import store_png
from tests.creative.launches import asset, reviewed_launch

PNG = b"\x89PNG\r\n\x1a\n" + b"test image"


@pytest.fixture
def launch(llm, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = reviewed_launch(alice)
    image = campaign.assets.get(kind="image")
    image.image_url = store_png(campaign.pk, PNG)
    image.save()
    Brief.objects.filter(campaign=campaign).update(
        review_flags=["strategy is a fallback"], audience_suggestions=["hikers"]
    )
    group = campaign.ad_groups.get()
    Keyword.objects.create(
        campaign=campaign, ad_group=group, text="trail shoes", match_type="EXACT"
    )
    Keyword.objects.create(campaign=campaign, text="free", match_type="PHRASE", negative=True)
    return campaign


def _url(campaign):
    return reverse("admin:creative_launch_review", args=[campaign.pk])


def test_the_owner_sees_the_ad_its_assets_strategy_flags_and_cost(client, alice, launch):
    client.force_login(alice.viewer)

    page = client.get(_url(launch)).content.decode()

    preview = page.split('class="ad-preview"')[1].split("</div>\n  <table")[0]
    assert "Shop Trailblazer GTX | Waterproof trail shoes | Free returns on shoes" in preview
    assert "GUARANTEED" not in preview  # an unsafe headline is not what the platform shows
    assert reverse("admin:creative_launch_image", args=[launch.assets.get(kind="image").pk]) in page
    for words in ("Unsafe", "Uncertain: a person decides", "Beats Acme Ads, GUARANTEED"):
        assert words in page
    assert "strategy is a fallback" in page and "hikers" in page
    assert "trail shoes" in page and "the whole campaign" in page and "GBP 1.20" in page
    assert "Generation cost so far" in page
    # A problem names the image as the reviewer sees it, not by where it is stored.
    assert "“Image 1” is uncertain" in page and "“/media/" not in page
    assert "Approve launch" not in page  # a viewer neither changes nor approves
    assert 'name="action" value="edit"' not in page


def test_another_tenant_gets_a_404_for_the_page_and_the_image(client, bob, launch):
    client.force_login(bob.admin)

    assert client.get(_url(launch)).status_code == 404
    image = launch.assets.get(kind="image")
    assert client.get(reverse("admin:creative_launch_image", args=[image.pk])).status_code == 404
    target = asset(launch, "Free returns on shoes")
    client.post(_url(launch), {"action": "reject", "asset": target.pk, "note": "no"})
    target.refresh_from_db()
    assert target.review == AssetReview.PROPOSED


def test_the_owner_gets_the_image(client, alice, launch):
    client.force_login(alice.viewer)
    image = launch.assets.get(kind="image")

    response = client.get(reverse("admin:creative_launch_image", args=[image.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_an_analyst_rejects_one_asset_from_the_page(client, alice, launch):
    client.force_login(alice.analyst)
    target = asset(launch, "Free returns on shoes")

    response = client.post(
        _url(launch),
        {"action": "reject", "asset": target.pk, "note": "policy changes"},
        follow=True,
    )

    target.refresh_from_db()
    assert target.review == AssetReview.REJECTED and target.review_note == "policy changes"
    assert "rejected" in response.content.decode()


def test_approving_with_problems_says_them_in_words_then_succeeds(
    client, alice, launch, django_capture_on_commit_callbacks
):
    client.force_login(alice.approver)
    page = client.get(_url(launch)).content.decode()
    assert "Approve launch" in page and "is unsafe; edit or reject it" in page

    refused = client.post(_url(launch), {"action": "approve_launch"}, follow=True)
    assert "The launch cannot be approved" in refused.content.decode()

    client.post(
        _url(launch),
        {
            "action": "reject",
            "asset": asset(launch, "Beats Acme Ads, GUARANTEED").pk,
            "note": "unsafe",
        },
    )
    for text in ("The best trail shoe",):
        client.post(_url(launch), {"action": "approve", "asset": asset(launch, text).pk})
    image = launch.assets.get(kind="image")
    client.post(_url(launch), {"action": "approve", "asset": image.pk})
    with django_capture_on_commit_callbacks():
        client.post(_url(launch), {"action": "approve_launch", "note": "ok"})

    launch.refresh_from_db()
    assert launch.status == CampaignStatus.DEPLOYING


def test_the_page_of_a_launch_not_in_review_has_no_forms(client, alice, launch):
    launch.__class__.objects.filter(pk=launch.pk).update(status=CampaignStatus.FAILED)
    Brief.objects.filter(campaign=launch).update(failure_reason="copy could not be produced safely")
    client.force_login(alice.approver)

    page = client.get(_url(launch)).content.decode()

    assert "copy could not be produced safely" in page
    assert "Approve launch" not in page and 'value="reject"' not in page


def test_the_page_costs_the_same_queries_for_more_ad_groups(client, alice, launch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import Ad, AdGroup, Asset

    client.force_login(alice.approver)
    client.get(_url(launch))  # sessions, roles: the first request's own work
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(launch)).status_code == 200
    for n in range(3):
        group = AdGroup.objects.create(campaign=launch, external_id="", name=f"Group {n}")
        ad = Ad.objects.create(
            campaign=launch, ad_group=group, kind="rsa", final_url="https://example.com/"
        )
        for p in range(3):
            Asset.objects.create(campaign=launch, ad=ad, kind="headline", position=p, text="Hi")
        Keyword.objects.create(campaign=launch, ad_group=group, text="x", match_type="EXACT")
    with CaptureQueriesContext(connection) as four:
        assert client.get(_url(launch)).status_code == 200

    assert len(four) == len(one) <= 30


def test_a_form_naming_no_asset_of_this_launch_is_refused_in_words(client, alice, bob, launch):
    client.force_login(alice.analyst)
    other = reviewed_launch(bob).assets.first()

    for value in ("abc", str(other.pk), ""):
        response = client.post(
            _url(launch), {"action": "reject", "asset": value, "note": "x"}, follow=True
        )
        assert "not part of this launch" in response.content.decode()
    other.refresh_from_db()
    assert other.review == AssetReview.PROPOSED
