"""The shapes a generation must have, declared once as pydantic models.

Each is sent to the provider as a JSON schema (structured output) and every answer is
validated against it; limits are the platforms' own (Google Ads responsive search ads:
up to 15 headlines of at most 30 characters, up to 4 descriptions of at most 90).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, WrapValidator

Headline = Annotated[str, StringConstraints(min_length=1, max_length=30, strip_whitespace=True)]
Description = Annotated[str, StringConstraints(min_length=1, max_length=90, strip_whitespace=True)]
Path = Annotated[str, StringConstraints(max_length=15, strip_whitespace=True)]
Phrase = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]


class Strict(BaseModel):
    # Strict structured output needs every property required and no others.
    model_config = ConfigDict(extra="forbid")


class AdCopy(Strict):
    """A responsive search ad."""

    headlines: list[Headline] = Field(min_length=3, max_length=15)
    descriptions: list[Description] = Field(min_length=2, max_length=4)


class Keyword(Strict):
    text: Phrase
    match_type: Literal["EXACT", "PHRASE", "BROAD"]


class AdGroupPlan(Strict):
    name: Phrase
    theme: Phrase
    keywords: list[Keyword] = Field(min_length=1, max_length=20)
    negative_keywords: list[Phrase] = Field(max_length=20)
    starting_bid: float = Field(gt=0, le=1000)


class Strategy(Strict):
    """Campaign structure: ad groups by theme, keywords, bids and audiences."""

    ad_groups: list[AdGroupPlan] = Field(min_length=1, max_length=10)
    audiences: list[Phrase] = Field(max_length=10)


class SafetyVerdict(Strict):
    """The brand-safety judge's verdict on one asset."""

    verdict: Literal["safe", "unsafe", "uncertain"]
    reasons: list[Phrase] = Field(max_length=10)


class AssetSafetyVerdict(Strict):
    """The judge's verdict on one asset of a batch, keyed by the id the asset was shown with."""

    asset: Annotated[str, StringConstraints(min_length=1, max_length=20, strip_whitespace=True)]
    verdict: Literal["safe", "unsafe", "uncertain"]
    reasons: list[Phrase] = Field(max_length=10)


def _unusable_as_none(value, handler):
    # One malformed verdict must not void the others (each would cost a call to redo):
    # it becomes None, and that asset alone is judged again (creative.safety).
    try:
        return handler(value)
    except ValidationError:
        return None


class SafetyVerdicts(Strict):
    """The brand-safety judge's verdicts on a batch of assets (one ad group's)."""

    verdicts: list[Annotated[AssetSafetyVerdict | None, WrapValidator(_unusable_as_none)]] = Field(
        max_length=200
    )


class HistorySummary(Strict):
    """A campaign's older history in a few sentences."""

    summary: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


SCHEMAS: dict[str, type[Strict]] = {
    "history_summary": HistorySummary,
    "ad_copy": AdCopy,
    "strategy": Strategy,
    "safety_verdict": SafetyVerdict,
    "safety_verdicts": SafetyVerdicts,
}


def schema_named(name: str) -> type[Strict]:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise ValueError(f"No output schema {name!r}; known: {', '.join(SCHEMAS)}.") from None


def json_schema_of(model: type[Strict]) -> dict:
    return model.model_json_schema()
