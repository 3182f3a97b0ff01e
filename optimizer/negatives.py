"""Search terms that waste money: which to keep out as negative keywords (pure maths).

A term is tested against its own ad groups: if it converted like them, how likely is it
to have converted as little as it did in the clicks it got? With the ad groups' rate `p`
measured without the term (leave one out, the same days, so conversion lag affects both
alike) and `n` clicks, the chance of at most `k` conversions is the binomial P(X ≤ k | n,
p); for no conversions at all it is (1 − p)^n. Many terms are tested at once, so the
p-values are adjusted for the false-discovery rate (Benjamini–Hochberg) and a term is
proposed only if its adjusted p-value is below the policy's significance level.
Conversions are fractional (attribution), so `k` is their whole part: a term that got
half a conversion is treated as one that got none, never as one that got one.

A term that contains a word the campaign's brief excludes ("free", "jobs") is proposed
whatever its numbers, as one PHRASE negative for the word.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

_WORD = re.compile(r"[a-z0-9]+")
TEST_NAME = "binomial P(X ≤ k | n clicks, ad groups' rate), Benjamini–Hochberg"


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def blocks(text: str, match_type: str, term: str) -> bool:
    """Whether a negative keyword keeps a search term out (negatives match no variants):
    EXACT the same words, PHRASE the words in order, BROAD all the words."""
    kw, t = words(text), words(term)
    if not kw:
        return False
    if match_type == "EXACT":
        return kw == t
    if match_type == "PHRASE":
        return any(t[i : i + len(kw)] == kw for i in range(len(t) - len(kw) + 1))
    return set(kw) <= set(t)


@dataclass(frozen=True)
class TermTotals:
    """A window's totals, one entry per (campaign, ad group, search term)."""

    campaign: np.ndarray
    ad_group: np.ndarray
    text: list[str]
    clicks: np.ndarray
    impressions: np.ndarray
    cost: np.ndarray
    conversions: np.ndarray


@dataclass(frozen=True)
class NegativeFinding:
    campaign: int
    text: str
    match_type: str
    clicks: int
    impressions: int
    cost: float
    conversions: float
    expected_conversions: float
    ad_group_rate: float | None
    p_value: float | None = None
    p_adjusted: float | None = None
    tested: int = 0
    excluded_word: str | None = None
    terms: list[str] = field(default_factory=list)


def find_negatives(
    totals: TermTotals,
    *,
    alpha: float,
    excluded: dict[int, list[str]] | None = None,
    skip: dict[int, list[tuple[str, str]]] | None = None,
) -> list[NegativeFinding]:
    """The negatives worth proposing, most money first.

    `excluded`: campaign -> words its brief excludes. `skip`: campaign -> (text, match
    type) of negatives it has or that must not be proposed again; a term they already
    keep out (or one of them names) is not proposed.
    """
    excluded, skip = excluded or {}, skip or {}
    t = totals
    if not len(t.text):
        return []
    groups, g = np.unique(t.ad_group, return_inverse=True)
    clicks_g = np.bincount(g, weights=t.clicks, minlength=len(groups))
    conv_g = np.bincount(g, weights=t.conversions, minlength=len(groups))
    others = clicks_g[g] - t.clicks
    rate = np.where(others > 0, (conv_g[g] - t.conversions) / np.maximum(others, 1), np.nan)

    def skipped(campaign: int, term: str) -> bool:
        return any(
            blocks(text, match, term) or text == term for text, match in skip.get(campaign, [])
        )

    found: list[NegativeFinding] = []
    # The brief's exclusions first: one PHRASE negative per word, whatever the numbers.
    covered: set[tuple[int, str]] = set()
    for campaign, banned in excluded.items():
        for word in dict.fromkeys(" ".join(words(w)) for w in banned if words(w)):
            if any(text == word for text, _ in skip.get(campaign, [])):
                continue
            hit = [
                i
                for i in np.flatnonzero(t.campaign == campaign)
                if t.cost[i] > 0
                and blocks(word, "PHRASE", t.text[i])
                and not skipped(campaign, t.text[i])
            ]
            if not hit:
                continue
            covered |= {(campaign, t.text[i]) for i in hit}
            found.append(
                NegativeFinding(
                    campaign=int(campaign),
                    text=word,
                    match_type="PHRASE",
                    clicks=int(t.clicks[hit].sum()),
                    impressions=int(t.impressions[hit].sum()),
                    cost=float(t.cost[hit].sum()),
                    conversions=float(t.conversions[hit].sum()),
                    expected_conversions=float(np.nansum(t.clicks[hit] * rate[hit])),
                    ad_group_rate=None,
                    excluded_word=word,
                    terms=sorted({t.text[i] for i in hit}),
                )
            )

    # Then the statistics, per (campaign, term) over its ad groups.
    keys: dict[tuple[int, str], list[int]] = {}
    for i, text in enumerate(t.text):
        keys.setdefault((int(t.campaign[i]), text), []).append(i)
    tested, p_values = [], []
    for (campaign, text), rows in keys.items():
        n = int(t.clicks[rows].sum())
        expected = float(np.nansum(t.clicks[rows] * rate[rows]))
        if n == 0 or expected <= 0 or (campaign, text) in covered or skipped(campaign, text):
            continue
        k = int(np.floor(t.conversions[rows].sum() + 1e-9))
        p_values.append(float(stats.binom.cdf(k, n, min(expected / n, 1.0))))
        tested.append((campaign, text, rows, n, expected))
    if p_values:
        adjusted = stats.false_discovery_control(np.asarray(p_values), method="bh")
        for (campaign, text, rows, n, expected), p, q in zip(
            tested, p_values, adjusted, strict=True
        ):
            if q >= alpha or t.cost[rows].sum() <= 0:
                continue
            found.append(
                NegativeFinding(
                    campaign=campaign,
                    text=text,
                    match_type="EXACT",
                    clicks=n,
                    impressions=int(t.impressions[rows].sum()),
                    cost=float(t.cost[rows].sum()),
                    conversions=float(t.conversions[rows].sum()),
                    expected_conversions=expected,
                    ad_group_rate=expected / n,
                    p_value=p,
                    p_adjusted=float(q),
                    tested=len(p_values),
                    terms=[text],
                )
            )
    return sorted(found, key=lambda f: -f.cost)
