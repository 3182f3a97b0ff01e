"""A campaign's version: its settings, structure, copy and targeting as of one moment.

A version is the campaign's historical record at time T plus, as of T, its ad groups
(status, bid), keywords (text, match type, negative), ads with their assets (text,
review, safety verdict) and its brief's targeting (locations, languages), each read
from that row's own simple-history. `campaign_version` is a pure read; the same
snapshot of the live rows is `campaign_now`, so "what changed since" compares like
with like. `version_changes` says the difference in words for the versions page, and
the rollback (campaigns.services.rollback) plans its platform changes from the same
two snapshots.
"""

from dataclasses import dataclass, field
from datetime import datetime

from campaigns.models import Ad, AdGroup, Asset, AssetKind, Brief, Campaign, CampaignStatus, Keyword

DELETED = "-"  # simple-history's history_type of a deletion
S = CampaignStatus
# A version from before the launch reached the platform has nothing there to restore:
# "restoring" it would take every keyword and ad away from a live campaign.
BEFORE_LAUNCH = frozenset(
    [S.DRAFT, S.GENERATING_ASSETS, S.PENDING_DEPLOYMENT, S.DEPLOYING, S.FAILED]
)


@dataclass(frozen=True)
class AdGroupState:
    id: int
    name: str
    status: str
    bid: object  # Decimal


@dataclass(frozen=True)
class KeywordState:
    id: int
    ad_group_id: int | None  # None: a negative of the whole campaign
    text: str
    match_type: str
    negative: bool

    @property
    def key(self) -> tuple:
        """What makes two keywords the same on the platform."""
        return (self.ad_group_id, self.text.lower(), self.match_type.upper(), self.negative)

    def as_structure(self) -> dict:
        return {
            "keyword": self.id,
            "ad_group": self.ad_group_id,
            "text": self.text,
            "match_type": self.match_type.upper(),
            "negative": self.negative,
        }


@dataclass(frozen=True)
class AssetState:
    kind: str
    position: int
    text: str
    image_url: str
    source: str
    verdict: str
    review: str
    deployable: bool

    def as_structure(self) -> dict:
        return {
            "kind": self.kind,
            "position": self.position,
            "text": self.text,
            "image_url": self.image_url,
            "source": self.source,
            "verdict": self.verdict,
            "review": self.review,
        }


@dataclass(frozen=True)
class AdState:
    id: int
    ad_group_id: int
    kind: str
    final_url: str
    assets: tuple[AssetState, ...]

    def deployed(self, kind: str) -> list[str]:
        """The texts of `kind` the platform shows, in order (what a deployment sends)."""
        return [a.text for a in self.assets if a.kind == kind and a.deployable]

    @property
    def copy(self) -> tuple:
        """What the platform's ad is made of: equal copies need no replacement."""
        return (
            self.final_url,
            tuple(self.deployed(AssetKind.HEADLINE)),
            tuple(self.deployed(AssetKind.DESCRIPTION)),
        )


@dataclass(frozen=True)
class CampaignVersion:
    at: datetime | None  # None: the campaign as it is now
    daily_budget: object
    status: str
    ad_groups: dict[int, AdGroupState] = field(default_factory=dict)
    keywords: dict[tuple, KeywordState] = field(default_factory=dict)
    ads: dict[int, AdState] = field(default_factory=dict)
    locations: tuple = ()
    languages: tuple = ()


MODELS = (AdGroup, Keyword, Ad, Asset, Brief)


def _histories(campaign_id: int, until: datetime) -> dict:
    """Every historical record of the campaign's rows up to `until`, by model, in order
    (one query per model, however many moments are read from them)."""
    return {
        model: list(
            model.history.filter(campaign_id=campaign_id, history_date__lte=until).order_by(
                "history_date", "history_id"
            )
        )
        for model in MODELS
    }


def _as_of(records: list, at: datetime) -> list:
    """The record of each row in effect at `at` (rows deleted by then left out)."""
    latest = {}
    for record in records:
        if record.history_date > at:
            break
        latest[record.id] = record
    return [r for r in latest.values() if r.history_type != DELETED]


def _snapshot(at, campaign_row, groups, keywords, ads, assets, brief) -> CampaignVersion:
    by_ad: dict[int, list] = {}
    for asset in sorted(assets, key=lambda a: (a.kind, a.position)):
        by_ad.setdefault(asset.ad_id, []).append(
            AssetState(
                kind=asset.kind,
                position=asset.position,
                text=asset.text,
                image_url=asset.image_url,
                source=asset.source,
                verdict=asset.verdict,
                review=asset.review,
                # The model's own rule, read off a live or a historical row alike.
                deployable=Asset.deployable.fget(asset),
            )
        )
    group_states = {g.id: AdGroupState(g.id, g.name, g.status, g.bid) for g in groups}
    keyword_states = [
        KeywordState(k.id, k.ad_group_id, k.text, k.match_type, k.negative) for k in keywords
    ]
    return CampaignVersion(
        at=at,
        daily_budget=campaign_row.daily_budget,
        status=campaign_row.status,
        ad_groups=group_states,
        keywords={k.key: k for k in keyword_states},
        ads={
            ad.id: AdState(
                ad.id, ad.ad_group_id, ad.kind, ad.final_url, tuple(by_ad.get(ad.id, ()))
            )
            for ad in ads
        },
        locations=tuple(brief.locations) if brief is not None else (),
        languages=tuple(brief.languages) if brief is not None else (),
    )


def campaign_versions(campaign: Campaign, rows: list) -> dict[int, CampaignVersion]:
    """The version of each of the campaign's historical records `rows`, by history_id."""
    if not rows:
        return {}
    histories = _histories(campaign.pk, max(r.history_date for r in rows))
    out = {}
    for row in rows:
        at = row.history_date
        briefs = _as_of(histories[Brief], at)
        out[row.history_id] = _snapshot(
            at,
            row,
            *(_as_of(histories[m], at) for m in (AdGroup, Keyword, Ad, Asset)),
            briefs[0] if briefs else None,
        )
    return out


def campaign_version(campaign: Campaign, at: datetime) -> CampaignVersion | None:
    """The campaign as it was at `at` (None if it did not exist yet)."""
    row = (
        campaign.history.filter(history_date__lte=at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return None
    return campaign_versions(campaign, [row])[row.history_id]


def campaign_now(current: Campaign) -> CampaignVersion:
    """The campaign as it is now, from its live rows (`current` freshly read)."""
    return _snapshot(
        None,
        current,
        AdGroup.objects.filter(campaign=current),
        Keyword.objects.filter(campaign=current),
        Ad.objects.filter(campaign=current),
        Asset.objects.filter(campaign=current),
        Brief.objects.filter(campaign=current).first(),
    )


# --- in words ---------------------------------------------------------------------
def _q(text: str) -> str:
    return f"‘{text}’"


def _keyword_words(k: KeywordState, groups: dict) -> str:
    where = groups[k.ad_group_id].name if k.ad_group_id in groups else "the whole campaign"
    what = "negative keyword" if k.negative else "keyword"
    return f"{what} {_q(k.text)} [{k.match_type.upper()}] in {where}"


def _asset_changes(then: AdState | None, now: AdState | None, group: str) -> list[str]:
    old = {(a.kind, a.position): a for a in (then.assets if then else ())}
    new = {(a.kind, a.position): a for a in (now.assets if now else ())}
    out = []
    for slot in sorted(old.keys() | new.keys()):
        a, b = old.get(slot), new.get(slot)
        label = AssetKind(slot[0]).label.lower()
        if a is None:
            out.append(f"{label} {_q(b.text or b.image_url)} added ({group})")
        elif b is None:
            out.append(f"{label} {_q(a.text or a.image_url)} removed ({group})")
        elif (a.text, a.image_url) != (b.text, b.image_url):
            old_text, new_text = _q(a.text or a.image_url), _q(b.text or b.image_url)
            out.append(f"{label} {old_text} replaced by {new_text} ({group})")
        elif a.deployable != b.deployable:
            state = "shown again" if b.deployable else "no longer shown"
            out.append(f"{label} {_q(a.text or a.image_url)} {state} ({group}, {b.review})")
    if then and now and then.final_url != now.final_url:
        out.append(f"final URL {then.final_url} replaced by {now.final_url} ({group})")
    return out


def version_changes(then: CampaignVersion, now: CampaignVersion) -> list[str]:
    """What changed between `then` and `now`, one sentence each, as a person reads it:
    "headline ‘…’ replaced by ‘…’", "keyword ‘…’ [PHRASE] in … added"."""
    out = []
    if then.status != now.status:
        out.append(f"status {S(then.status).label.lower()} → {S(now.status).label.lower()}")
    if then.daily_budget != now.daily_budget:
        out.append(f"daily budget {then.daily_budget} → {now.daily_budget}")
    groups = {**then.ad_groups, **now.ad_groups}
    for gid in sorted(then.ad_groups.keys() | now.ad_groups.keys()):
        a, b = then.ad_groups.get(gid), now.ad_groups.get(gid)
        if a is None:
            out.append(f"ad group {_q(b.name)} added")
        elif b is None:
            out.append(f"ad group {_q(a.name)} removed")
        else:
            if a.bid != b.bid:
                out.append(f"bid of {_q(b.name)} {a.bid} → {b.bid}")
            if a.status != b.status:
                out.append(f"ad group {_q(b.name)} {a.status} → {b.status}")
    for key in sorted(now.keywords.keys() - then.keywords.keys(), key=str):
        out.append(f"{_keyword_words(now.keywords[key], groups)} added")
    for key in sorted(then.keywords.keys() - now.keywords.keys(), key=str):
        out.append(f"{_keyword_words(then.keywords[key], groups)} removed")
    for ad_id in sorted(then.ads.keys() | now.ads.keys()):
        a, b = then.ads.get(ad_id), now.ads.get(ad_id)
        gid = (a or b).ad_group_id
        group = groups[gid].name if gid in groups else "a removed ad group"
        out.extend(_asset_changes(a, b, group))
    if then.locations != now.locations:
        out.append(
            f"locations {', '.join(then.locations) or '—'} → {', '.join(now.locations) or '—'}"
        )
    if then.languages != now.languages:
        out.append(
            f"languages {', '.join(then.languages) or '—'} → {', '.join(now.languages) or '—'}"
        )
    return out


def structure_in_words(rec) -> str:
    """A keyword, ad-copy or ad-group change in words: "Add keyword ‘…’ [PHRASE] in …",
    "Ad copy of …: headline ‘…’ replaced by ‘…’"."""
    s = rec.structure or {}
    group = str(rec.ad_group) if rec.ad_group_id else "the whole campaign"
    if rec.kind in ("ad_group_pause", "ad_group_resume"):
        return f"{'Pause' if rec.kind == 'ad_group_pause' else 'Resume'} ad group {_q(group)}"
    if "text" in s:
        verb = "Add" if rec.kind in ("keyword_add", "negative_keyword") else "Remove"
        what = "negative keyword" if s.get("negative") else "keyword"
        return f"{verb} {what} {_q(s['text'])} [{s['match_type']}] in {group}"

    def ad(assets):
        states = tuple(AssetState(**a, deployable=True) for a in assets if isinstance(a, dict))
        return AdState(0, rec.ad_group_id or 0, "", s.get("final_url", ""), states)

    changes = _asset_changes(ad(s.get("was", [])), ad(s.get("assets", [])), group)
    return f"Ad copy of {group}: " + ("; ".join(changes) or "unchanged")
