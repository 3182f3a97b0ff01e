"""The audience step: suppress fatigued segments, activate fresh high-intent ones."""

from decimal import Decimal

from campaigns.guardrails import PolicyLimits
from optimizer.inputs import AccountInputs
from optimizer.plan import Proposal


def plan_audiences(inputs: AccountInputs, limits: PolicyLimits) -> list[Proposal]:
    a = inputs.audiences
    suppress_at = float(limits.fatigue_suppress_threshold)
    intent_at = float(limits.intent_activate_threshold)
    fresh = float(limits.activate_max_fatigue)
    proposals = []
    for i in range(len(a.ids)):
        evidence = {
            "intent_score": float(a.intent[i]),
            "fatigue_score": float(a.fatigue[i]),
            "estimated_profiles": int(a.profiles[i]),
            "fatigue_suppress_threshold": suppress_at,
            "intent_activate_threshold": intent_at,
            "activate_max_fatigue": fresh,
        }
        if a.active[i] and a.fatigue[i] > suppress_at:
            proposals.append(
                Proposal(
                    kind="audience_suppress",
                    campaign_index=None,
                    audience_index=i,
                    current=Decimal(1),
                    proposed=Decimal(0),
                    evidence=evidence,
                    reason=(
                        f"Suppress: fatigue {a.fatigue[i]:.0f} is above {suppress_at:.0f} — "
                        f"{a.profiles[i]:,} profiles have seen the ads too often; resting "
                        "the segment lets fatigue recover."
                    ),
                    # Fatigued segments convert worse; resting them is worth a little.
                    expected_gain=float(a.fatigue[i] - suppress_at),
                )
            )
        elif not a.active[i] and a.intent[i] >= intent_at and a.fatigue[i] <= fresh:
            proposals.append(
                Proposal(
                    kind="audience_activate",
                    campaign_index=None,
                    audience_index=i,
                    current=Decimal(0),
                    proposed=Decimal(1),
                    evidence=evidence,
                    reason=(
                        f"Activate: intent {a.intent[i]:.0f} (≥ {intent_at:.0f}) with low "
                        f"fatigue {a.fatigue[i]:.0f} (≤ {fresh:.0f}) — "
                        f"{a.profiles[i]:,} likely buyers are not being reached."
                    ),
                    expected_gain=float(a.intent[i] - intent_at),
                )
            )
    return proposals
