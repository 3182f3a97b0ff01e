"""A reviewer's work on a launch's assets, while the launch waits in review.

Edit, reject, approve or regenerate one asset. An edit or a new generation is checked
for brand safety at once (the rules and the judge), history keeps every earlier text,
and nothing unsafe or unchecked can be approved (the model refuses it too).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from campaigns.auth import authorize
from campaigns.models import Asset, AssetKind, AssetReview, AssetSource, Campaign, CampaignStatus
from campaigns.models import Verdict as AssetVerdict
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from creative.launch.ad_copy import replacement
from creative.launch.images import make_image
from creative.launch.launch import Launch
from creative.launch.safety import image_verdict_of, verdict_of
from creative.models import AICall
from creative.safety import LIMITS

MAX_NOTE = 500


def _in_review(asset: Asset, actor, permission: str) -> Launch:
    campaign = Campaign.objects.select_related("account", "brief").get(pk=asset.campaign_id)
    authorize(actor, permission, campaign)
    if campaign.status != CampaignStatus.PENDING_DEPLOYMENT:
        raise ServiceError(
            f"Assets are reviewed while the launch waits for review; it is "
            f"{campaign.get_status_display().lower()}."
        )
    return Launch(campaign=campaign, brief=campaign.brief)


def _locked(asset: Asset) -> Asset:
    """The asset as stored, locked, while its launch is still in review."""
    if (
        not Campaign.objects.select_for_update()
        .filter(pk=asset.campaign_id, status=CampaignStatus.PENDING_DEPLOYMENT)
        .exists()
    ):
        raise ServiceError("The launch left review while this was being done; reload.")
    return Asset.objects.select_for_update().get(pk=asset.pk)


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(f"A note is at most {MAX_NOTE} characters.")
    return note


def asset_edit(*, asset: Asset, text: str, actor) -> Asset:
    """A person's text for the asset, checked for safety at once; the original stays
    in history. The edit goes back to proposed: its verdict decides what follows."""
    launch = _in_review(asset, actor, "campaigns.change_asset")
    if asset.kind == AssetKind.IMAGE:
        raise ServiceError("An image cannot be edited as text; regenerate or reject it.")
    text = " ".join((text or "").split())
    if not text:
        raise ServiceError("Give the new text, or reject the asset instead.")
    limit = LIMITS[asset.kind]
    if len(text) > limit:
        raise ServiceError(f"A {asset.kind} is at most {limit} characters; this is {len(text)}.")
    verdict = verdict_of(launch, asset.kind, text)
    with transaction.atomic():
        current = _locked(asset)
        current.text, current.source = text, AssetSource.EDITED
        current.verdict, current.verdict_reasons = verdict.verdict, verdict.reasons
        current.review, current.review_note = AssetReview.PROPOSED, ""
        save_with_history(current, actor=actor, reason=f"Edited by {actor}")
    return current


def asset_reject(*, asset: Asset, note: str, actor) -> Asset:
    """Keep the asset out of the launch, saying why."""
    _in_review(asset, actor, "campaigns.change_asset")
    note = _note(note)
    if not note:
        raise ServiceError("Say why the asset is rejected.")
    with transaction.atomic():
        current = _locked(asset)
        current.review, current.review_note = AssetReview.REJECTED, note
        save_with_history(current, actor=actor, reason=f"Rejected by {actor}: {note}")
    return current


def asset_approve(*, asset: Asset, actor, note: str = "") -> Asset:
    """Pass an asset: a person may pass an uncertain one, never an unsafe or unchecked one."""
    _in_review(asset, actor, "campaigns.approve_launch")
    note = _note(note)
    with transaction.atomic():
        current = _locked(asset)
        if current.verdict in (AssetVerdict.UNSAFE, AssetVerdict.PENDING):
            raise ServiceError(
                f"“{current}” is {current.get_verdict_display().lower()}: it cannot be "
                "approved; edit, regenerate or reject it."
            )
        current.review, current.review_note = AssetReview.APPROVED, note
        reason = f"Approved by {actor}" + (f": {note}" if note else "")
        save_with_history(current, actor=actor, reason=reason)
    return current


def asset_regenerate(*, asset: Asset, note: str, actor) -> Asset:
    """A new generation for this one slot, told the reviewer's note, checked at once."""
    launch = _in_review(asset, actor, "campaigns.change_asset")
    note = _note(note)
    if asset.kind == AssetKind.IMAGE:
        url = make_image(launch, asset.ad, note)
        if url is None:
            raise ServiceError("The image API returned no image; try again later.")
        verdict = image_verdict_of(launch, asset.ad, url)
        changes = {
            "image_url": url,
            "source": AssetSource.GENERATED,
            "verdict": verdict.verdict,
            "verdict_reasons": verdict.reasons,
        }
    else:
        why = [note] if note else ["the reviewer asked for another"]
        text, result = replacement(launch, asset, why=why)
        verdict = verdict_of(launch, asset.kind, text)
        changes = {
            "text": text,
            "source": AssetSource.FALLBACK if result.needs_review else AssetSource.GENERATED,
            "prompt_version_id": result.prompt_version.pk,
            "call_ids": [*asset.call_ids, *result.call_ids],
            "verdict": verdict.verdict,
            "verdict_reasons": verdict.reasons,
        }
    with transaction.atomic():
        current = _locked(asset)
        for field, value in changes.items():
            setattr(current, field, value)
        current.review, current.review_note = AssetReview.PROPOSED, ""
        reason = f"Regenerated for {actor}" + (f": {note}" if note else "")
        save_with_history(current, actor=actor, reason=reason)
    return current


def launch_cost(campaign: Campaign) -> Decimal:
    """What the launch's AI calls cost so far, in US dollars (the providers' currency)."""
    total = AICall.objects.filter(campaign=campaign).aggregate(total=Sum("cost"))["total"]
    return total if total is not None else Decimal("0")
