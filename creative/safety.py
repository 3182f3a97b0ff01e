"""Brand safety in two layers: the deterministic rules, then an LLM judge.

Rules: the organization's own (banned and required terms, competitors' names, claims
that need substantiation) and the platforms' editorial rules (Google Ads: headlines of
at most 30 characters and descriptions of at most 90, no excessive capitals or
punctuation, no exclamation mark in a headline, no phone number in ad text). A breach of
a hard rule is UNSAFE (never deployable); a claim or a missing required term is
UNCERTAIN (a person decides). Only copy the rules pass goes to the judge, whose own
versioned prompt returns a structured verdict with reasons; the worse verdict wins.
"""

import re
from dataclasses import dataclass, field

from creative.models import Purpose
from creative.schemas import SafetyVerdict

SAFE, UNCERTAIN, UNSAFE = "safe", "uncertain", "unsafe"
RANK = {SAFE: 0, UNCERTAIN: 1, UNSAFE: 2}
LIMITS = {"headline": 30, "description": 90, "path": 15}
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{7,}\d(?!\w)")
SHOUTING = re.compile(r"\b[A-Z]{4,}\b")
REPEATED_PUNCTUATION = re.compile(r"[!?.,]{2,}")
# Acronyms a brand may write in capitals without shouting.
ACRONYMS = {"HTTP", "HTTPS", "NASA", "UEFA", "FIFA", "ASAP", "USB", "HDMI", "NYSE", "GDPR"}
INJECTION = re.compile(
    r"ignore (all |any )?(previous|prior|above) instructions|system prompt|as an ai", re.I
)


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: list[str] = field(default_factory=list)
    layer: str = "rules"  # "rules", "judge" or "rules+judge"

    @property
    def deployable(self) -> bool:
        return self.verdict == SAFE


@dataclass(frozen=True)
class Rules:
    """What the rules check; from an organization's BrandRules (or the defaults)."""

    banned: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    tone: str = ""


def rules_of(brand_rules) -> Rules:
    from creative.models.brand import DEFAULT_CLAIMS

    if brand_rules is None:
        return Rules(claims=tuple(DEFAULT_CLAIMS))
    return Rules(
        banned=tuple(brand_rules.banned_terms),
        required=tuple(brand_rules.required_terms),
        competitors=tuple(brand_rules.competitor_names),
        claims=tuple(brand_rules.claims),
        tone=brand_rules.tone,
    )


def _has(term: str, text: str) -> bool:
    term = term.strip()
    if not term:
        return False
    # Whole words, case-insensitive; "#1" and "100%" have no word boundary on one side.
    left = r"\b" if term[0].isalnum() else ""
    right = r"\b" if term[-1].isalnum() else ""
    return re.search(f"{left}{re.escape(term)}{right}", text, re.I) is not None


def check_text(kind: str, text: str, rules: Rules) -> list[tuple[str, str]]:
    """(severity, reason) for each rule one piece of copy breaks."""
    found = []
    limit = LIMITS.get(kind)
    if limit is not None and len(text) > limit:
        found.append((UNSAFE, f"{kind} is {len(text)} characters; the limit is {limit}"))
    if PHONE.search(text):
        found.append((UNSAFE, f"{kind} carries a phone number (use a call asset)"))
    shouted = [w for w in SHOUTING.findall(text) if w not in ACRONYMS]
    if shouted:
        found.append((UNSAFE, f"{kind} has excessive capitals: {', '.join(shouted[:3])}"))
    if REPEATED_PUNCTUATION.search(text):
        found.append((UNSAFE, f"{kind} repeats punctuation"))
    if kind == "headline" and "!" in text:
        found.append((UNSAFE, "a headline may not carry an exclamation mark"))
    if INJECTION.search(text):
        found.append((UNSAFE, f"{kind} echoes an instruction, not ad copy"))
    for term in rules.banned:
        if _has(term, text):
            found.append((UNSAFE, f"{kind} uses the banned term {term!r}"))
    for name in rules.competitors:
        if _has(name, text):
            found.append((UNSAFE, f"{kind} names the competitor {name!r} (trademark)"))
    for claim in rules.claims:
        if _has(claim, text):
            found.append((UNCERTAIN, f"{kind} claims {claim!r}: needs substantiation"))
    return found


def rules_verdict(pieces: list[tuple[str, str]], rules: Rules) -> Verdict:
    """The rules' verdict on an asset made of (kind, text) pieces."""
    found = [f for kind, text in pieces for f in check_text(kind, text, rules)]
    whole = " ".join(text for _, text in pieces)
    if rules.required and not any(_has(term, whole) for term in rules.required):
        found.append((UNCERTAIN, f"none of the required terms ({', '.join(rules.required)})"))
    if not found:
        return Verdict(SAFE, [], "rules")
    worst = max((severity for severity, _ in found), key=RANK.__getitem__)
    return Verdict(worst, list(dict.fromkeys(reason for _, reason in found)), "rules")


def _judge_fallback(_variables) -> SafetyVerdict:
    return SafetyVerdict(verdict=UNCERTAIN, reasons=["the judge gave no usable verdict"])


def asset_verdict(
    *, organization_id: int, pieces: list[tuple[str, str]], rules: Rules, campaign_id=None
) -> Verdict:
    """Rules first; copy they pass goes to the judge; the worse verdict wins.

    A judge that cannot answer validly (its fallback) makes the asset UNCERTAIN, never
    SAFE: an unchecked asset is one a person must look at.
    """
    from creative.services.generate import generate

    first = rules_verdict(pieces, rules)
    if first.verdict == UNSAFE:
        return first
    copy = "\n".join(f"{kind}: {text}" for kind, text in pieces)
    judged = generate(
        organization_id=organization_id,
        campaign_id=campaign_id,
        purpose=Purpose.SAFETY,
        prompt="safety-judge",
        variables={
            "copy": copy,
            "tone": rules.tone or "no particular tone",
            "competitors": ", ".join(rules.competitors) or "none named",
            "banned": ", ".join(rules.banned) or "none",
        },
        fallback=_judge_fallback,
    )
    verdict = judged.value.verdict if judged.status != "fallback" else UNCERTAIN
    worst = max(first.verdict, verdict, key=RANK.__getitem__)
    reasons = first.reasons + [f"judge: {r}" for r in judged.value.reasons]
    return Verdict(worst, list(dict.fromkeys(reasons)), "rules+judge")
