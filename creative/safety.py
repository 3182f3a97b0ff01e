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
from creative.schemas import SafetyVerdict, SafetyVerdicts

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


def _judge(
    prompt: str, copy: str, *, rules: Rules, fallback, organization_id, campaign_id, image=None
):
    """One metered judge call (`prompt`: the single, batch or image judge) on `copy`
    (and `image`, a PNG, for the image judge)."""
    from creative.services.generate import generate

    return generate(
        organization_id=organization_id,
        campaign_id=campaign_id,
        purpose=Purpose.SAFETY,
        prompt=prompt,
        variables={
            "copy": copy,
            "tone": rules.tone or "no particular tone",
            "competitors": ", ".join(rules.competitors) or "none named",
            "banned": ", ".join(rules.banned) or "none",
        },
        fallback=fallback,
        image=image,
    )


def _with_judge(first: Verdict, verdict: str, reasons: list[str]) -> Verdict:
    """The rules' verdict and the judge's together: the worse wins, all reasons kept."""
    worst = max(first.verdict, verdict, key=RANK.__getitem__)
    reasons = first.reasons + [f"judge: {r}" for r in reasons]
    return Verdict(worst, list(dict.fromkeys(reasons)), "rules+judge")


def asset_verdict(
    *, organization_id: int, pieces: list[tuple[str, str]], rules: Rules, campaign_id=None
) -> Verdict:
    """Rules first; copy they pass goes to the judge; the worse verdict wins.

    A judge that cannot answer validly (its fallback) makes the asset UNCERTAIN, never
    SAFE: an unchecked asset is one a person must look at.
    """
    first = rules_verdict(pieces, rules)
    if first.verdict == UNSAFE:
        return first
    copy = "\n".join(f"{kind}: {text}" for kind, text in pieces)
    judged = _judge(
        "safety-judge",
        copy,
        rules=rules,
        fallback=_judge_fallback,
        organization_id=organization_id,
        campaign_id=campaign_id,
    )
    verdict = judged.value.verdict if judged.status != "fallback" else UNCERTAIN
    return _with_judge(first, verdict, judged.value.reasons)


def _batch_fallback(_variables) -> SafetyVerdicts:
    return SafetyVerdicts(verdicts=[])


def _one_line(text: str) -> str:
    # One asset a line: a line break in the copy must not start another "[id]" line.
    return " ".join(text.split())


def batch_verdicts(
    *,
    organization_id: int,
    assets: dict[str, list[tuple[str, str]]],
    rules: Rules,
    campaign_id=None,
) -> dict[str, Verdict]:
    """asset_verdict for many assets (by id: their (kind, text) pieces) with one judge call.

    Rules first, each asset on its own; the copy they pass goes to the judge together.
    An asset the judge's answer has no usable verdict for (missing, malformed, or the
    whole answer a fallback) is judged again on its own, so it is never SAFE by default;
    an asset answered twice gets the worse of its verdicts.
    """
    from creative.services.prompts import PromptError

    found = {key: rules_verdict(pieces, rules) for key, pieces in assets.items()}
    pending = {key: v for key, v in found.items() if v.verdict != UNSAFE}
    if len(pending) > 1:
        copy = "\n".join(
            f"[{key}] " + " | ".join(f"{kind}: {_one_line(text)}" for kind, text in assets[key])
            for key in pending
        )
        try:
            judged = _judge(
                "safety-judge-batch",
                copy,
                rules=rules,
                fallback=_batch_fallback,
                organization_id=organization_id,
                campaign_id=campaign_id,
            )
        except PromptError:  # not published here (yet): each asset is judged on its own
            judged = None
        answered = set()
        usable = judged is not None and judged.status != "fallback"
        for answer in judged.value.verdicts if usable else []:
            if answer is None or answer.asset not in pending:
                continue
            # Starts from the rules' verdict; a second answer for the same asset combines
            # with the first, so the worse of the two stays.
            found[answer.asset] = _with_judge(found[answer.asset], answer.verdict, answer.reasons)
            answered.add(answer.asset)
        pending = {key: v for key, v in pending.items() if key not in answered}
    for key in pending:
        found[key] = asset_verdict(
            organization_id=organization_id,
            pieces=assets[key],
            rules=rules,
            campaign_id=campaign_id,
        )
    return found


NO_IMAGE_VERDICT = "the image judge gave no usable verdict: a person looks"


def image_verdict(
    *, organization_id: int, png: bytes, about: str, rules: Rules, campaign_id=None
) -> Verdict:
    """The image judge's verdict on one generated image (`about`: what it was made for).

    SAFE only on a valid answer that says safe. No usable answer (refused, malformed,
    repaired in vain) is UNCERTAIN; so is a provider that will not take an image at all
    (a model without vision refuses the request): a person looks.
    """
    from creative.llm.errors import AIRefused

    try:
        judged = _judge(
            "image-safety-judge",
            about,
            rules=rules,
            fallback=_judge_fallback,
            organization_id=organization_id,
            campaign_id=campaign_id,
            image=png,
        )
    except AIRefused as exc:
        reason = f"the AI provider would not judge the image ({str(exc)[:160]}): a person looks"
        return Verdict(UNCERTAIN, [reason], "judge")
    if judged.status == "fallback":
        return Verdict(UNCERTAIN, [NO_IMAGE_VERDICT], "judge")
    return Verdict(judged.value.verdict, [f"judge: {r}" for r in judged.value.reasons], "judge")
