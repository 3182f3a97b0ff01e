"""What the pipeline decides: proposals to persist and holds to explain."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Proposal:
    """One change the optimiser proposes, with its reason and evidence."""

    kind: str  # campaigns.models.RecommendationKind value
    campaign_index: int | None  # index into the campaign table (None: account-level audience)
    current: Decimal | None
    proposed: Decimal | None
    reason: str
    evidence: dict
    expected_gain: float  # expected change in daily conversion value
    confidence: float | None = None
    ad_group_index: int | None = None
    audience_index: int | None = None
    risk: str = "medium"
    requires_approval: bool = True

    @property
    def assumed(self) -> bool:
        """The change rests on an assumed response, not the campaign's own data."""
        response = self.evidence.get("response") if isinstance(self.evidence, dict) else None
        return isinstance(response, dict) and response.get("data_driven") is False

    @property
    def change_pct(self) -> float | None:
        if self.current in (None, 0) or self.proposed is None:
            return None
        return float((self.proposed - self.current) / self.current * 100)


@dataclass(frozen=True)
class Hold:
    """A target the optimiser looked at and deliberately left alone, and why."""

    target: str  # "campaign", "ad_group" or "audience"
    index: int
    reason: str


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # account-level findings in words
    # The conversion-lag curve the plan was judged with: {"source", "reason", "by_age"},
    # by_age[k - 1] the share of a day's final conversions reported k days later. Kept on
    # the run so pages can mark the days still gathering conversions as the optimiser did.
    conversion_lag: dict = field(default_factory=dict)
