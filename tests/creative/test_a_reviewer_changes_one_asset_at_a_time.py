"""A reviewer edits, rejects, approves or regenerates one asset of a launch in review.
An edit or a regeneration is checked for brand safety at once and history keeps the
original; nothing unsafe or unchecked can be approved; roles and tenants hold."""

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import AssetReview, AssetSource, CampaignStatus, Verdict
from campaigns.services.errors import ServiceError
from creative.models import AICall, Purpose
from creative.services.assets import asset_approve, asset_edit, asset_regenerate, asset_reject
from tests.creative.launches import asset, reviewed_launch


def test_an_edit_is_checked_at_once_and_history_keeps_the_original(llm, alice):
    campaign = reviewed_launch(alice)
    unsafe = asset(campaign, "Beats Acme Ads, GUARANTEED")

    edited = asset_edit(asset=unsafe, text="  Trail shoes that   stay dry ", actor=alice.analyst)

    assert edited.text == "Trail shoes that stay dry"
    assert edited.verdict == Verdict.SAFE and edited.source == AssetSource.EDITED
    assert AICall.objects.filter(campaign=campaign, purpose=Purpose.SAFETY).count() == 1
    versions = list(edited.history.order_by("history_date").values_list("text", "history_user"))
    assert versions[0][0] == "Beats Acme Ads, GUARANTEED"
    assert versions[-1] == ("Trail shoes that stay dry", alice.analyst.pk)


def test_an_edit_that_breaks_the_rules_is_unsafe_and_cannot_be_approved(llm, alice):
    campaign = reviewed_launch(alice)
    safe = asset(campaign, "Shop Trailblazer GTX")

    edited = asset_edit(asset=safe, text="CALL 0800 123 4567", actor=alice.analyst)

    assert edited.verdict == Verdict.UNSAFE and not edited.deployable
    with pytest.raises(ServiceError, match="cannot be approved"):
        asset_approve(asset=edited, actor=alice.approver)
    edited.refresh_from_db()
    assert edited.review == AssetReview.PROPOSED


def test_an_edit_over_the_platforms_limit_is_refused_with_the_count(llm, alice):
    campaign = reviewed_launch(alice)
    with pytest.raises(ServiceError, match="at most 30 characters; this is 41"):
        asset_edit(
            asset=asset(campaign, "Shop Trailblazer GTX"), text="x" * 41, actor=alice.analyst
        )


def test_an_approver_passes_an_uncertain_asset_but_never_an_unsafe_or_unchecked_one(llm, alice):
    campaign = reviewed_launch(alice)

    passed = asset_approve(asset=asset(campaign, "The best trail shoe"), actor=alice.approver)
    assert passed.review == AssetReview.APPROVED and passed.deployable

    with pytest.raises(ServiceError, match="unsafe"):
        asset_approve(asset=asset(campaign, "Beats Acme Ads, GUARANTEED"), actor=alice.approver)
    pending = asset(campaign, "Try them for 30 days.")
    pending.__class__.objects.filter(pk=pending.pk).update(verdict=Verdict.PENDING)
    with pytest.raises(ServiceError, match="not checked yet"):
        asset_approve(asset=pending, actor=alice.approver)


def test_a_rejection_keeps_the_asset_with_its_note(llm, alice):
    campaign = reviewed_launch(alice)
    target = asset(campaign, "Free returns on shoes")

    with pytest.raises(ServiceError, match="Say why"):
        asset_reject(asset=target, note=" ", actor=alice.analyst)
    rejected = asset_reject(asset=target, note="Returns policy changes in May", actor=alice.analyst)

    assert rejected.review == AssetReview.REJECTED and not rejected.deployable
    assert rejected.review_note == "Returns policy changes in May"
    assert "Returns policy" in rejected.history.first().history_change_reason


def test_a_regeneration_writes_new_checked_text_told_the_note(llm, alice):
    campaign = reviewed_launch(alice)
    target = asset(campaign, "Beats Acme Ads, GUARANTEED")

    new = asset_regenerate(asset=target, note="mention the 30-day trial", actor=alice.analyst)

    assert new.text != "Beats Acme Ads, GUARANTEED" and len(new.text) <= 30
    assert new.verdict in (Verdict.SAFE, Verdict.UNCERTAIN)
    assert new.review == AssetReview.PROPOSED and new.call_ids
    copy = AICall.objects.get(pk=new.call_ids[0])
    assert copy.purpose == Purpose.COPY and copy.campaign_id == campaign.pk
    assert new.history.filter(text="Beats Acme Ads, GUARANTEED").exists()


@pytest.mark.parametrize(
    ("service", "role", "kwargs"),
    [
        (asset_edit, "viewer", {"text": "Dry feet"}),
        (asset_reject, "viewer", {"note": "no"}),
        (asset_regenerate, "viewer", {"note": ""}),
        (asset_approve, "analyst", {}),  # passing an uncertain asset is an approver's call
    ],
)
def test_roles_decide_who_changes_an_asset(llm, alice, service, role, kwargs):
    campaign = reviewed_launch(alice)
    target = asset(campaign, "The best trail shoe")

    with pytest.raises(PermissionDenied):
        service(asset=target, actor=getattr(alice, role), **kwargs)
    target.refresh_from_db()
    assert target.review == AssetReview.PROPOSED and target.text == "The best trail shoe"


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (asset_edit, {"text": "Dry feet"}),
        (asset_reject, {"note": "no"}),
        (asset_approve, {}),
        (asset_regenerate, {"note": ""}),
    ],
)
def test_another_tenants_reviewer_cannot_touch_the_asset(llm, alice, bob, service, kwargs):
    campaign = reviewed_launch(alice)
    target = asset(campaign, "The best trail shoe")

    with pytest.raises(PermissionDenied):
        service(asset=target, actor=bob.admin, **kwargs)
    assert not AICall.objects.exists()


def test_assets_change_only_while_the_launch_is_in_review(llm, alice):
    campaign = reviewed_launch(alice)
    campaign.__class__.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DEPLOYING)

    with pytest.raises(ServiceError, match="it is deploying"):
        asset_reject(asset=asset(campaign, "Free returns on shoes"), note="x", actor=alice.analyst)


def test_an_image_regenerated_is_a_new_stored_image_judged_again(llm, alice, settings, tmp_path):
    from django.core.files.storage import default_storage

    from creative.launch.images import stored_name

    settings.MEDIA_ROOT = tmp_path
    campaign = reviewed_launch(alice)
    image = campaign.assets.get(kind="image")

    new = asset_regenerate(asset=image, note="show the shoe on a wet trail", actor=alice.analyst)

    assert new.image_url != "/media/launch-images/none.png"
    assert default_storage.exists(stored_name(new.image_url))
    assert new.verdict == Verdict.SAFE and new.review == AssetReview.PROPOSED
    call = AICall.objects.get(purpose=Purpose.IMAGE)
    assert call.campaign_id == campaign.pk
    judged = AICall.objects.get(purpose=Purpose.SAFETY, prompt_version__name="image-safety-judge")
    assert judged.campaign_id == campaign.pk
