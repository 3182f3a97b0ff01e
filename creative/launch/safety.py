"""Step 4, brand safety: a verdict on every asset not checked yet, one regeneration of
an unsafe generated slot, then the launch goes to review, or fails when an ad cannot
keep the copy its platform needs.

An image is judged by a vision model (the image judge sees the stored PNG): SAFE only on
a valid answer that says so; an unsafe one is made again once, then rejected, and the
launch goes on text-only, flagged, as when images cannot be made.
"""

from django.core.files.storage import default_storage
from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import (
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    AssetSource,
    Verdict,
)
from campaigns.services.history import save_with_history
from campaigns.services.launches import MIN_DEPLOYABLE, launch_assets_ready, launch_fail
from creative.launch.ad_copy import replacement
from creative.launch.images import go_text_only, image_prompt, make_image, stored_name
from creative.launch.launch import Launch, still_generating
from creative.llm.errors import AIRefused
from creative.safety import UNCERTAIN, UNSAFE, asset_verdict, batch_verdicts, image_verdict
from creative.safety import Verdict as Judged

# What a display creative takes beside its image (the search ad's needs are campaigns').
DISPLAY_NEEDS = {AssetKind.HEADLINE: 1, AssetKind.DESCRIPTION: 1}
UNREADABLE_IMAGE = "the image file could not be read: a person looks"
REGENERATED = (AssetSource.GENERATED, AssetSource.FALLBACK)


def verdict_of(launch: Launch, kind: str, text: str):
    return asset_verdict(
        organization_id=launch.organization_id,
        pieces=[(kind, text)],
        rules=launch.rules,
        campaign_id=launch.campaign.pk,
    )


def image_verdict_of(launch: Launch, ad, image_url: str) -> Judged:
    """The image judge's verdict on the stored image shown by `ad`."""
    name = stored_name(image_url)
    if name is None or not default_storage.exists(name):
        return Judged(UNCERTAIN, [UNREADABLE_IMAGE], "judge")
    with default_storage.open(name, "rb") as stored:
        png = stored.read()
    return image_verdict(
        organization_id=launch.organization_id,
        png=png,
        about=image_prompt(launch, ad),
        rules=launch.rules,
        campaign_id=launch.campaign.pk,
    )


def _remade(launch: Launch, asset: Asset, why: list[str]) -> str | None:
    """A new image for an unsafe one, told why (None: the image API would not make one)."""
    note = "Avoid what made the last image unsafe: " + "; ".join(why)
    try:
        return make_image(launch, asset.ad, note[:300])
    except AIRefused:
        return None


def _check_image(launch: Launch, asset: Asset) -> None:
    """Judge one image; an unsafe generated one is made again once, then rejected (the
    launch goes text-only, flagged). The unsafe original stays in history."""
    actor = system_user()
    first = image_verdict_of(launch, asset.ad, asset.image_url)
    url = second = None
    if first.verdict == UNSAFE and asset.source in REGENERATED:
        url = _remade(launch, asset, first.reasons)
        if url is not None:
            second = image_verdict_of(launch, asset.ad, url)
    with transaction.atomic():
        if not still_generating(launch.campaign):
            return
        asset.verdict, asset.verdict_reasons = first.verdict, first.reasons
        save_with_history(asset, actor=actor, reason="Brand-safety verdict on the image")
        final = first
        if second is not None:
            asset.image_url, asset.source = url, AssetSource.GENERATED
            asset.verdict, asset.verdict_reasons = second.verdict, second.reasons
            save_with_history(asset, actor=actor, reason="Image made again: the first was unsafe")
            final = second
        if final.verdict == UNSAFE:
            asset.review = AssetReview.REJECTED
            asset.review_note = "; ".join(final.reasons)[:500]
            save_with_history(asset, actor=actor, reason="Rejected: image unsafe after one retry")
            go_text_only(launch, "an image was unsafe after one regeneration")


def _judge_together(launch: Launch, assets: list[Asset], seen: dict) -> None:
    """Put a verdict in `seen` for the words of every text asset of `assets` (one ad
    group's) not judged yet in this run, with one judge call for all of them."""
    words: dict[tuple[str, str], str] = {}
    for asset in assets:
        if asset.kind != AssetKind.IMAGE and (asset.kind, asset.text) not in seen:
            words.setdefault((asset.kind, asset.text), str(asset.pk))
    if not words:
        return
    verdicts = batch_verdicts(
        organization_id=launch.organization_id,
        assets={key: [piece] for piece, key in words.items()},
        rules=launch.rules,
        campaign_id=launch.campaign.pk,
    )
    seen.update({piece: verdicts[key] for piece, key in words.items()})


def _check(launch: Launch, asset: Asset, seen: dict) -> None:
    """Judge one asset and write what was found, the unsafe original kept in history.

    `seen` holds this run's verdicts by (kind, text): the same words under the same rules
    and judge get the same verdict, so a display creative's headline (the search ad's
    first) or a headline two ad groups share is paid for once.
    """

    def judged(kind: str, text: str):
        key = (kind, text)
        if key not in seen:
            seen[key] = verdict_of(launch, kind, text)
        return seen[key]

    if asset.kind == AssetKind.IMAGE:
        _check_image(launch, asset)
        return
    actor = system_user()
    first = judged(asset.kind, asset.text)
    second = text = result = None
    if first.verdict == UNSAFE and asset.source in REGENERATED:
        text, result = replacement(launch, asset, why=first.reasons)
        second = judged(asset.kind, text)
    with transaction.atomic():
        if not still_generating(launch.campaign):
            return
        asset.verdict, asset.verdict_reasons = first.verdict, first.reasons
        save_with_history(asset, actor=actor, reason="Brand-safety verdict")
        final = first
        if second is not None:
            asset.text = text
            asset.source = AssetSource.FALLBACK if result.needs_review else AssetSource.GENERATED
            asset.prompt_version_id = result.prompt_version.pk
            asset.call_ids = [*asset.call_ids, *result.call_ids]
            asset.verdict, asset.verdict_reasons = second.verdict, second.reasons
            save_with_history(asset, actor=actor, reason="Regenerated once: the first was unsafe")
            final = second
        if final.verdict == UNSAFE:
            asset.review = AssetReview.REJECTED
            asset.review_note = "; ".join(final.reasons)[:500]
            save_with_history(asset, actor=actor, reason="Rejected: unsafe after one regeneration")


def usable(asset: Asset) -> bool:
    """Could go out once a person agrees: not rejected and not unsafe."""
    return asset.review != AssetReview.REJECTED and asset.verdict != Verdict.UNSAFE


def shortfalls(launch: Launch) -> list[str]:
    """Per ad, what it lacks of what the platform needs, with the reasons."""
    found = []
    ads = launch.campaign.ads.select_related("ad_group").prefetch_related("assets")
    for ad in ads:
        assets = list(ad.assets.all())
        needs = MIN_DEPLOYABLE if ad.kind == AdKind.RESPONSIVE_SEARCH else DISPLAY_NEEDS
        for kind, least in needs.items():
            have = sum(a.kind == kind and usable(a) for a in assets)
            if have < least:
                why = {
                    r for a in assets if a.kind == kind and not usable(a) for r in a.verdict_reasons
                }
                found.append(
                    f"{ad.ad_group.name}: the {ad.get_kind_display().lower()} has {have} safe "
                    f"{kind}s of the {least} it needs"
                    + (f" ({'; '.join(sorted(why))})" if why else "")
                )
    return found


def flags(launch: Launch) -> list[str]:
    assets = Asset.objects.filter(campaign=launch.campaign).exclude(review=AssetReview.REJECTED)
    found = list(launch.brief.review_flags)
    fallbacks = assets.filter(source=AssetSource.FALLBACK).count()
    if fallbacks:
        found.append(f"{fallbacks} assets are fallback templates")
    uncertain = assets.filter(verdict=Verdict.UNCERTAIN).count()
    if uncertain:
        found.append(f"{uncertain} assets are uncertain: a person decides")
    rejected = Asset.objects.filter(campaign=launch.campaign, review=AssetReview.REJECTED).count()
    if rejected:
        found.append(f"{rejected} assets were rejected as unsafe")
    return found


def run(launch: Launch) -> None:
    """Check what is unchecked, then hand the launch to review or fail it."""
    pending = Asset.objects.filter(campaign=launch.campaign, verdict=Verdict.PENDING)
    # Read whole first (not a cursor): each asset's verdict is written while the loop goes on.
    seen: dict = {}
    by_ad_group: dict[int, list[Asset]] = {}
    for asset in pending.select_related("ad__ad_group").order_by("ad_id", "kind", "position"):
        by_ad_group.setdefault(asset.ad.ad_group_id, []).append(asset)
    for assets in by_ad_group.values():
        # One judge call per ad group (not one per asset), then each verdict written.
        _judge_together(launch, assets, seen)
        for asset in assets:
            _check(launch, asset, seen)
    if Asset.objects.filter(campaign=launch.campaign, verdict=Verdict.PENDING).exists():
        return  # the campaign left generation while we worked
    short = shortfalls(launch)
    if short or not launch.campaign.ads.exists():
        reason = "copy could not be produced safely: " + ("; ".join(short) or "no ads were made")
        launch_fail(campaign=launch.campaign, actor=system_user(), reason=reason)
        return
    launch.brief.refresh_from_db(fields=["review_flags"])
    launch_assets_ready(campaign=launch.campaign, actor=system_user(), flags=flags(launch))
