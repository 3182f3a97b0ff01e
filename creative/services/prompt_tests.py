"""Running a prompt version over its golden briefs (creative/golden/<prompt>.json).

Each case is generated with that version (Spectra's own call: purpose "test", billed to
no organization) and scored: valid the first time, valid at all (a repair allowed),
within the platforms' limits, passing the brand-safety rules, and meeting the case's
own expectation (a term it must mention, the verdict a judge must reach). The run is
kept, so a draft's rates stand beside the published version's before it is published.
"""

import json
from pathlib import Path

from creative.fallbacks import fallback_ad_copy, fallback_strategy
from creative.models import PromptTestRun, PromptVersion, Purpose
from creative.safety import SAFE, Rules, rules_verdict
from creative.schemas import AdCopy, SafetyVerdict
from creative.services.generate import FALLBACK, VALID, generate
from creative.services.prompts import PromptError

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
FALLBACKS = {
    "ad_copy": fallback_ad_copy,
    "strategy": fallback_strategy,
    "safety_verdict": lambda _v: SafetyVerdict(verdict="uncertain", reasons=["no verdict"]),
}


def golden_cases(prompt: str) -> list[dict]:
    path = GOLDEN / f"{prompt}.json"
    if not path.exists():
        return []
    return json.loads(path.read_text())


def _pieces(value) -> list[tuple[str, str]]:
    if isinstance(value, AdCopy):
        return [("headline", h) for h in value.headlines] + [
            ("description", d) for d in value.descriptions
        ]
    return []


def _score(case: dict, result) -> dict:
    value, expect = result.value, case.get("expect", {})
    pieces = _pieces(value)
    verdict = rules_verdict(pieces, Rules()) if pieces else None
    text = " ".join(t for _, t in pieces)
    met = True
    if "mentions_any" in expect:
        met = any(term.lower() in text.lower() for term in expect["mentions_any"])
    if expect.get("brand_safe"):
        met = met and verdict is not None and verdict.verdict == SAFE
    if "verdict" in expect:
        met = met and isinstance(value, SafetyVerdict) and value.verdict == expect["verdict"]
    return {
        "case": case["name"],
        "status": result.status,
        "valid_first_time": result.status == VALID,
        "schema_valid": result.status != FALLBACK,
        # Did the model keep to the platforms' lengths, before any repair?
        "within_limits": not any("characters" in p for p in result.problems),
        "brand_safe": verdict is None or verdict.verdict == SAFE,
        "expectation_met": met and result.status != FALLBACK,
        "problems": result.problems[:5] + (verdict.reasons[:5] if verdict else []),
        # What the model wrote, for a person to read and rate (1–5) on the run's page.
        "output": value.model_dump(mode="json"),
        "rating": None,
    }


RATINGS = range(1, 6)


def prompt_test_rate(*, run: PromptTestRun, ratings: dict[int, int], actor) -> PromptTestRun:
    """A person's 1–5 rating of some of the run's cases (by index); the rest keep theirs."""
    if not (actor is not None and actor.is_active and actor.is_superuser):
        raise PromptError("Only Spectra's operators rate prompt tests.")
    results = [dict(r) for r in run.results]
    for index, rating in ratings.items():
        if not 0 <= index < len(results):
            raise PromptError(f"This run has no case {index + 1}.")
        if rating not in RATINGS:
            raise PromptError(f"A rating is 1 to 5, not {rating!r}.")
        results[index].update(rating=rating, rated_by=actor.get_username())
    run.results = results
    run.save(update_fields=["results"])
    return run


def prompt_test_run(*, version: PromptVersion, actor=None, cases=None) -> PromptTestRun:
    """Run `version` over the golden cases of its prompt and keep the rates."""
    cases = golden_cases(version.name) if cases is None else cases
    fallback = FALLBACKS[version.schema]
    results = [
        _score(
            case,
            generate(
                organization_id=None,
                purpose=Purpose.TEST,
                prompt=version.name,
                variables=case["variables"],
                fallback=fallback,
                version=version,
            ),
        )
        for case in cases
    ]

    def count(key):
        return sum(1 for r in results if r[key])

    return PromptTestRun.objects.create(
        version=version,
        cases=len(results),
        valid_first_time=count("valid_first_time"),
        schema_valid=count("schema_valid"),
        within_limits=count("within_limits"),
        brand_safe=count("brand_safe"),
        expectations_met=count("expectation_met"),
        results=results,
        run_by=actor if getattr(actor, "pk", None) else None,
    )
