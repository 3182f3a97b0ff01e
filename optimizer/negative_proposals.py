"""Negative-keyword proposals of one optimisation run: load, decide (optimizer.negatives),
and build the Recommendations `optimize_account` persists with the run's others.

Loaded in a constant number of queries: the window's search-term totals, the campaigns'
negatives, the earlier negative proposals and the briefs' exclusions. A term is never
proposed again for a campaign where a person rejected it or rolled it back, nor while a
proposal of it is open, nor once it is kept out.
"""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Sum

from campaigns.models import (
    AdAccount,
    Brief,
    Keyword,
    Platform,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
    SearchTermDay,
)
from campaigns.money import money
from optimizer.negatives import TEST_NAME, NegativeFinding, TermTotals, find_negatives

WINDOW_DAYS = 28
K, S = RecommendationKind, RecommendationStatus
CENT = Decimal("0.01")


def load_term_totals(account: AdAccount, first: date, last: date) -> TermTotals:
    rows = list(
        SearchTermDay.objects.filter(account=account, date__range=(first, last))
        .values("campaign_id", "ad_group_id", "text")
        .annotate(
            clicks=Sum("clicks"),
            impressions=Sum("impressions"),
            cost=Sum("cost"),
            conversions=Sum("conversions"),
        )
        .order_by("campaign_id", "ad_group_id", "text")
    )

    def column(name, kind=float):
        return np.asarray([kind(r[name] or 0) for r in rows])

    return TermTotals(
        campaign=column("campaign_id", int),
        ad_group=column("ad_group_id", int),
        text=[r["text"] for r in rows],
        clicks=column("clicks"),
        impressions=column("impressions"),
        cost=column("cost"),
        conversions=column("conversions"),
    )


def _skip(account: AdAccount) -> dict[int, list[tuple[str, str]]]:
    skip: dict[int, list[tuple[str, str]]] = {}
    for campaign, text, match in Keyword.objects.filter(
        campaign__account=account, negative=True, ad_group__isnull=True
    ).values_list("campaign_id", "text", "match_type"):
        skip.setdefault(campaign, []).append((text.lower(), match))
    # Every earlier proposal but an expired one: rejected and rolled back ones never
    # return; open, executed, failed or blocked ones are someone's already.
    for campaign, structure in (
        Recommendation.objects.filter(account=account, kind=K.NEGATIVE_KEYWORD)
        .exclude(status=S.EXPIRED)
        .values_list("campaign_id", "structure")
    ):
        skip.setdefault(campaign, []).append((structure["text"].lower(), "EXACT"))
    return skip


def _reason(f: NegativeFinding, currency: str, days: int) -> str:
    spent = f"took {f.clicks:,} clicks and {money(Decimal(f.cost).quantize(CENT), currency)}"
    converted = (
        "with no conversions" if f.conversions < 0.5 else f"with {f.conversions:.1f} conversions"
    )
    if f.excluded_word:
        shown = ", ".join(f"‘{t}’" for t in f.terms[:3]) + (" …" if len(f.terms) > 3 else "")
        return (
            f"The brief excludes ‘{f.excluded_word}’; {len(f.terms)} search terms with it "
            f"({shown}) {spent} {converted} in {days} days. Keep ‘{f.excluded_word}’ out "
            "as a phrase negative keyword."
        )
    return (
        f"Search term ‘{f.text}’ {spent} {converted} in {days} days; converting like its "
        f"ad groups ({f.ad_group_rate:.1%}) it would have had {f.expected_conversions:.1f}. "
        f"So few by chance: p = {f.p_value:.2g} ({f.p_adjusted:.2g} after correcting for "
        f"{f.tested} terms tested). Keep it out as an exact negative keyword."
    )


def negative_proposals(
    account: AdAccount, *, as_of: date, alpha: float, run=None, expires=None, policy_version=None
) -> list[Recommendation]:
    """Unsaved NEGATIVE_KEYWORD proposals for the account's search terms (Google Ads)."""
    if account.platform != Platform.GOOGLE_ADS:
        return []  # Adobe Advertising reports no search terms
    first, last = as_of - timedelta(days=WINDOW_DAYS), as_of - timedelta(days=1)
    totals = load_term_totals(account, first, last)
    if not totals.text:
        return []
    excluded = {
        campaign: list(words)
        for campaign, words in Brief.objects.filter(campaign__account=account).values_list(
            "campaign_id", "excluded_terms"
        )
        if words
    }
    findings = find_negatives(totals, alpha=alpha, excluded=excluded, skip=_skip(account))
    days = (last - first).days + 1
    return [
        Recommendation(
            account=account,
            run=run,
            campaign_id=f.campaign,
            kind=K.NEGATIVE_KEYWORD,
            structure={
                "ad_group": None,
                "text": f.text,
                "match_type": f.match_type,
                "negative": True,
            },
            reason=_reason(f, account.currency, days),
            evidence={
                "term": f.text,
                "match_type": f.match_type,
                "search_terms": f.terms[:50],
                "window": [first.isoformat(), last.isoformat()],
                "clicks": f.clicks,
                "impressions": f.impressions,
                "spend": str(Decimal(f.cost).quantize(CENT)),
                "daily_spend": str((Decimal(f.cost) / days).quantize(CENT)),
                "conversions": round(f.conversions, 4),
                "expected_conversions": round(f.expected_conversions, 4),
                "ad_group_conversion_rate": f.ad_group_rate,
                "p_value": f.p_value,
                "p_adjusted": f.p_adjusted,
                "terms_tested": f.tested,
                "test": TEST_NAME if f.p_value is not None else "excluded by the brief",
                "excluded_by_brief": f.excluded_word,
            },
            confidence=None if f.p_adjusted is None else round(Decimal(1 - f.p_adjusted), 4),
            expected_impact=Decimal("0"),
            risk=Risk.LOW,
            policy_version=policy_version,
            requires_approval=True,
            expires_at=expires,
        )
        for f in findings
    ]
