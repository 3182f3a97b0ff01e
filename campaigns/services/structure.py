"""How Spectra's own rows follow an executed keyword, ad-copy or ad-group status change.

The platform was written first (executors); these bring the Keyword, Ad and Asset
rows in line, each save with its history row, inside the transaction that marks the
change EXECUTED (campaigns.services.execution.APPLY). Each is safe to run twice: a
keyword already there is not added again, one already gone is not removed again.
"""

from campaigns.models import Ad, AdGroup, AdGroupStatus, Asset, Keyword
from campaigns.services.history import save_with_history


def _matching_keywords(rec):
    s = rec.structure
    return Keyword.objects.filter(
        campaign_id=rec.campaign_id,
        ad_group_id=s["ad_group"],
        text__iexact=s["text"],
        match_type=s["match_type"],
        negative=s["negative"],
    )


def apply_keyword_add(rec, actor, reason) -> None:
    if _matching_keywords(rec).exists():
        return
    s = rec.structure
    keyword = Keyword(
        campaign_id=rec.campaign_id,
        ad_group_id=s["ad_group"],
        text=s["text"],
        match_type=s["match_type"],
        negative=s["negative"],
        external_id=s.get("external_id", ""),
    )
    save_with_history(keyword, actor=actor, reason=f"{reason}: {rec.reason}"[:100])


def apply_keyword_remove(rec, actor, reason) -> None:
    for keyword in _matching_keywords(rec):
        # simple-history records the deletion with who and why, as a save does.
        keyword._history_user = actor
        keyword._change_reason = f"{reason}: {rec.reason}"[:100]
        keyword.delete()


def apply_ad_replace(rec, actor, reason) -> None:
    """The ad's assets become those of rec.structure: same slots updated, the others
    created or deleted (history keeps what each slot held)."""
    s = rec.structure
    ad = Ad.objects.filter(pk=s["ad"], campaign_id=rec.campaign_id).first()
    if ad is None:
        return
    why = f"{reason}: {rec.reason}"[:100]
    if s.get("final_url") and ad.final_url != s["final_url"]:
        ad.final_url = s["final_url"]
        save_with_history(ad, actor=actor, reason=why, update_fields=["final_url"])
    wanted = {(a["kind"], a["position"]): a for a in s["assets"]}
    for asset in Asset.objects.filter(ad=ad):
        slot = (asset.kind, asset.position)
        if slot not in wanted:
            asset._history_user, asset._change_reason = actor, why
            asset.delete()
            continue
        values = wanted.pop(slot)
        fields = ["text", "image_url", "source", "verdict", "review"]
        if all(getattr(asset, f) == values[f] for f in fields):
            continue
        for f in fields:
            setattr(asset, f, values[f])
        save_with_history(asset, actor=actor, reason=why, update_fields=[*fields, "updated_at"])
    for values in wanted.values():
        asset = Asset(
            campaign_id=rec.campaign_id,
            ad=ad,
            kind=values["kind"],
            position=values["position"],
            text=values["text"],
            image_url=values["image_url"],
            source=values["source"],
            verdict=values["verdict"],
            review=values["review"],
        )
        save_with_history(asset, actor=actor, reason=why)


def apply_ad_group_status(rec, actor, reason) -> None:
    group = AdGroup.objects.select_for_update().get(pk=rec.ad_group_id)
    status = AdGroupStatus.PAUSED if rec.kind == "ad_group_pause" else AdGroupStatus.ACTIVE
    if group.status != status:
        group.status = status
        why = f"{reason}: {rec.reason}"[:100]
        save_with_history(group, actor=actor, reason=why, update_fields=["status", "updated_at"])
