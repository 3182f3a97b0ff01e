"""The platforms' documented structure limits, in one table, checked before sending.

Google Ads: account limits from "About your Google Ads account limits"
(https://support.google.com/google-ads/answer/6372658): 10,000 campaigns (enabled and
paused) per account, 20,000 ad groups per campaign, 20,000 ad group targeting items
(keywords) per ad group, 3 enabled responsive search ads per ad group. Text limits
from the API's System Limits page
(https://developers.google.com/google-ads/api/docs/best-practices/system-limits):
headlines 30 characters, descriptions 90 (AdError.LINE_TOO_WIDE), names 255;
ResponsiveSearchAdInfo takes 3–15 headlines and 2–4 descriptions
(https://developers.google.com/google-ads/api/reference/rpc/latest/ResponsiveSearchAdInfo);
keywords at most 80 characters and 10 words (KeywordInfo, CriterionError).

Adobe Advertising publishes no per-campaign structure limits for this API shape; the
sandbox's Adobe creates take the same ad text limits, so the same table applies to
copy and only the counts that are Google's own are left out.

Pure: no Django, no I/O.
"""

from dataclasses import dataclass, replace

GOOGLE_ADS = "google_ads"
ADOBE = "adobe"


@dataclass(frozen=True)
class Limits:
    campaigns_per_account: int | None
    ad_groups_per_campaign: int | None
    keywords_per_ad_group: int | None
    enabled_ads_per_ad_group: int | None
    headlines: tuple[int, int]  # least, most
    headline_chars: int
    descriptions: tuple[int, int]
    description_chars: int
    keyword_chars: int
    keyword_words: int
    name_chars: int


_GOOGLE_ADS_LIMITS = Limits(
    campaigns_per_account=10_000,
    ad_groups_per_campaign=20_000,
    keywords_per_ad_group=20_000,
    enabled_ads_per_ad_group=3,
    headlines=(3, 15),
    headline_chars=30,
    descriptions=(2, 4),
    description_chars=90,
    keyword_chars=80,
    keyword_words=10,
    name_chars=255,
)
LIMITS = {
    GOOGLE_ADS: _GOOGLE_ADS_LIMITS,
    # The same text limits; the counts are Google's own (see the module docstring).
    ADOBE: replace(
        _GOOGLE_ADS_LIMITS,
        campaigns_per_account=None,
        ad_groups_per_campaign=None,
        keywords_per_ad_group=None,
        enabled_ads_per_ad_group=None,
    ),
}


def structure_problems(platform: str, counts: dict) -> list[str]:
    """Why a launch's structure breaks the platform's limits, in words; empty if it fits.

    `counts`: existing_campaigns (already on the account, not this one), ad_groups,
    keywords_by_ad_group {name: n}, ads_by_ad_group {name: n enabled}, headlines
    {ad group: [texts]}, descriptions {ad group: [texts]}, keywords [texts],
    names [campaign and ad group names].
    """
    limits = LIMITS[platform]
    problems = []

    def over(have: int, most: int | None, what: str) -> None:
        if most is not None and have > most:
            problems.append(f"{what}: {have}, the platform allows {most}.")

    over(counts.get("existing_campaigns", 0) + 1, limits.campaigns_per_account, "Campaigns")
    over(counts.get("ad_groups", 0), limits.ad_groups_per_campaign, "Ad groups in the campaign")
    for group, n in counts.get("keywords_by_ad_group", {}).items():
        over(n, limits.keywords_per_ad_group, f"Keywords in {group}")
    for group, n in counts.get("ads_by_ad_group", {}).items():
        over(n, limits.enabled_ads_per_ad_group, f"Enabled ads in {group}")
    for key, (least, most), chars in (
        ("headlines", limits.headlines, limits.headline_chars),
        ("descriptions", limits.descriptions, limits.description_chars),
    ):
        for group, texts in counts.get(key, {}).items():
            if not least <= len(texts) <= most:
                problems.append(f"{group}: {len(texts)} {key}; the platform takes {least}–{most}.")
            for text in texts:
                if len(text) > chars:
                    problems.append(
                        f"{group}: “{text}” is {len(text)} characters; {key} take {chars}."
                    )
    for text in counts.get("keywords", []):
        if len(text) > limits.keyword_chars or len(text.split()) > limits.keyword_words:
            problems.append(
                f"Keyword “{text}” is over {limits.keyword_chars} characters or "
                f"{limits.keyword_words} words."
            )
    for name in counts.get("names", []):
        if len(name) > limits.name_chars:
            problems.append(f"Name “{name[:40]}…” is over {limits.name_chars} characters.")
    return problems
