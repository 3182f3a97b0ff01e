"""Step 3, images: one image per ad group, on the ad that shows it (Adobe's display
creative; on Google Ads, where a search ad takes no image of its own, the search ad
carries it as the image asset the campaign shows beside it). Done when each of those
ads has its image, or the brief went text-only.

The PNG is kept in Django's default storage (MEDIA_ROOT), named by its content, and
`Asset.image_url` holds its storage URL: a data: URL would not fit, and a tenant's image
is shown through the scoped review page, never served publicly. A file written by a
step killed before its row is found again by name on the next run, never duplicated.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import Ad, AdKind, Asset, AssetKind, AssetSource, Brief, Platform
from campaigns.services.history import save_with_history
from creative.launch.launch import Launch, add_flag, still_generating
from creative.llm.errors import AIRefused
from creative.services.images import generate_images

TEXT_ONLY_FLAG = "images failed: text-only, review the launch"
SIZE = "1024x1024"
STORAGE_DIR = "launch-images"


def image_ads(launch: Launch):
    kind = (
        AdKind.DISPLAY
        if launch.campaign.account.platform == Platform.ADOBE
        else (AdKind.RESPONSIVE_SEARCH)
    )
    return Ad.objects.filter(campaign=launch.campaign, kind=kind).select_related("ad_group")


def image_prompt(launch: Launch, ad: Ad, note: str = "") -> str:
    points = "; ".join(launch.brief.selling_points[:3])
    prompt = (
        f"An advertising photo for {launch.brief.product}, theme: {ad.ad_group.name}. "
        f"{points}. No text, no logos, no people's faces."
    )
    return prompt + (f" {note}" if note else "")


def store_png(campaign_id: int, png: bytes) -> str:
    """The storage URL of the PNG, written once per content."""
    digest = hashlib.sha256(png).hexdigest()[:24]
    name = f"{STORAGE_DIR}/{campaign_id}/{digest}.png"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(png))
    return default_storage.url(name)


def stored_name(image_url: str) -> str | None:
    """The storage name behind an asset's image URL (None: not one Spectra stored)."""
    prefix = default_storage.url(STORAGE_DIR + "/")
    if not image_url.startswith(prefix):
        return None
    return STORAGE_DIR + "/" + image_url[len(prefix) :]


def make_image(launch: Launch, ad: Ad, note: str = "") -> str | None:
    """One image for the ad, stored; None when the API answered without one."""
    images = generate_images(
        organization_id=launch.organization_id,
        campaign_id=launch.campaign.pk,
        prompt=image_prompt(launch, ad, note),
        size=SIZE,
    )
    return store_png(launch.campaign.pk, images[0]) if images else None


def go_text_only(launch: Launch, why: str) -> None:
    with transaction.atomic():
        Brief.objects.filter(pk=launch.brief.pk).update(text_only=True)
        launch.brief.text_only = True
        add_flag(launch.brief, TEXT_ONLY_FLAG, reason=f"Images failed ({why}): text-only")


def run(launch: Launch) -> None:
    """An image for every ad that shows one. AIUnavailable goes up to be retried later;
    a refusal, or an answer without an image, makes the launch text-only at once."""
    if launch.brief.text_only:
        return
    for ad in list(image_ads(launch)):
        if ad.assets.filter(kind=AssetKind.IMAGE).exists():
            continue
        try:
            url = make_image(launch, ad)
        except AIRefused as exc:
            go_text_only(launch, str(exc)[:200])
            return
        if url is None:
            go_text_only(launch, "the image API returned no image")
            return
        with transaction.atomic():
            if not still_generating(launch.campaign):
                return
            if ad.assets.filter(kind=AssetKind.IMAGE).exists():
                continue
            row = Asset(
                campaign=launch.campaign,
                ad=ad,
                kind=AssetKind.IMAGE,
                position=0,
                image_url=url,
                source=AssetSource.GENERATED,
            )
            save_with_history(row, actor=system_user(), reason="Image generated for the launch")
