"""Step 2, copy: per ad group a responsive search ad (up to 15 headlines of at most 30
characters, 4 descriptions of at most 90) and, on Adobe, the display creative's text.
Done per ad group when its search ad has its assets.

Adobe's display creative takes one headline and one description beside its image; they
are the search ad's first of each, from the same generation, kept as assets of their own
so each is checked, reviewed and deployed on its own.
"""

from django.db import transaction

from campaigns.actors import system_user
from campaigns.models import (
    Ad,
    AdGroup,
    AdKind,
    Asset,
    AssetKind,
    AssetSource,
    Platform,
)
from campaigns.services.history import save_with_history
from creative.fallbacks import fallback_ad_copy
from creative.launch.launch import Launch, still_generating
from creative.models import Purpose
from creative.services.generate import Generated, generate

REASON = "Ad copy generated for the launch"


def _theme(group: AdGroup) -> str:
    words = [k.text for k in group.keywords.filter(negative=False)[:5]]
    return f"{group.name}" + (f" ({', '.join(words)})" if words else "")


def generate_copy(launch: Launch, group: AdGroup, *, extra: str = "") -> Generated:
    """One ad-copy generation for an ad group; `extra` asks for something on top."""
    variables = {**launch.variables(), "theme": _theme(group)}
    if extra:
        variables["brief"] += "\n" + extra
    return generate(
        organization_id=launch.organization_id,
        campaign_id=launch.campaign.pk,
        purpose=Purpose.COPY,
        prompt="ad-copy",
        variables=variables,
        fallback=fallback_ad_copy,
    )


def _source(result: Generated) -> str:
    return AssetSource.FALLBACK if result.needs_review else AssetSource.GENERATED


def _asset(ad: Ad, kind: str, position: int, text: str, result: Generated) -> None:
    row = Asset(
        campaign=ad.campaign,
        ad=ad,
        kind=kind,
        position=position,
        text=text,
        source=_source(result),
        prompt_version_id=result.prompt_version.pk,
        call_ids=list(result.call_ids),
    )
    save_with_history(row, actor=system_user(), reason=REASON)


def _done(group: AdGroup) -> bool:
    return Asset.objects.filter(ad__ad_group=group, ad__kind=AdKind.RESPONSIVE_SEARCH).exists()


def run(launch: Launch) -> None:
    """Write the copy of every ad group that has none yet, one ad group at a time."""
    campaign = launch.campaign
    display = campaign.account.platform == Platform.ADOBE
    for group in list(AdGroup.objects.filter(campaign=campaign).order_by("pk")):
        if _done(group):
            continue
        result = generate_copy(launch, group)
        with transaction.atomic():
            if not still_generating(campaign) or _done(group):
                continue
            kinds = [AdKind.RESPONSIVE_SEARCH, *([AdKind.DISPLAY] if display else [])]
            for kind in kinds:
                ad = Ad(
                    campaign=campaign,
                    ad_group=group,
                    kind=kind,
                    final_url=launch.brief.landing_url,
                )
                save_with_history(ad, actor=system_user(), reason=REASON)
                copy = result.value
                headlines = (
                    copy.headlines if kind == AdKind.RESPONSIVE_SEARCH else copy.headlines[:1]
                )
                descriptions = (
                    copy.descriptions if kind == AdKind.RESPONSIVE_SEARCH else copy.descriptions[:1]
                )
                for n, text in enumerate(headlines):
                    _asset(ad, AssetKind.HEADLINE, n, text, result)
                for n, text in enumerate(descriptions):
                    _asset(ad, AssetKind.DESCRIPTION, n, text, result)


def replacement(launch: Launch, asset: Asset, *, why: list[str]) -> tuple[str, Generated]:
    """New text for one slot of an ad, asked for with the reasons the old one failed."""
    others = {a.text.lower() for a in asset.ad.assets.filter(kind=asset.kind).exclude(pk=asset.pk)}
    extra = (
        f"Write a replacement for the {asset.kind} “{asset.text}”; it was refused because: "
        + "; ".join(why)
        + f". Give {asset.kind}s that avoid this."
    )
    result = generate_copy(launch, asset.ad.ad_group, extra=extra)
    pool = result.value.headlines if asset.kind == AssetKind.HEADLINE else result.value.descriptions
    fresh = [t for t in pool if t.lower() not in others and t.lower() != asset.text.lower()]
    return (fresh or pool)[0], result
