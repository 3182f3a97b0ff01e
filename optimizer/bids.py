"""The bid step: move each ad group's bid toward its campaign's target, in bounded steps.

The target is the campaign's target ROAS, or its target CPA, or — when it has
neither — the campaign's own recent ROAS (ad groups far below their campaign
pay too much per unit of value). Steps never exceed the policy's bid step;
a low quality score blocks raises (a higher bid on a weak ad buys expensive
clicks); too little volume holds.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np

from campaigns.guardrails import PolicyLimits
from optimizer.confidence import bid_confidence, percent_sure
from optimizer.frame import MetricFrame
from optimizer.inputs import AccountInputs
from optimizer.plan import Hold, Proposal
from optimizer.significance import log_ratio_estimate
from optimizer.trends import ratio

WINDOW = 7
DEAD_BAND = 0.15  # within ±15 % of target: leave the bid alone
LOW_QUALITY = 4
HIGH_QUALITY = 8


def plan_bids(
    inputs: AccountInputs,
    corrected: MetricFrame,
    limits: PolicyLimits,
    *,
    skip_campaigns: np.ndarray,
) -> tuple[list[Proposal], list[Hold]]:
    g, c = inputs.ad_groups, inputs.campaigns
    if len(g.ids) == 0:
        return [], []
    recent = (corrected.days_since >= 1) & (corrected.days_since <= WINDOW)
    clicks = corrected.clicks[:, recent].sum(axis=1)
    conversions = corrected.conversions[:, recent].sum(axis=1)
    value = corrected.value[:, recent].sum(axis=1)
    spend = corrected.spend[:, recent].sum(axis=1)
    roas = ratio(value, spend)
    cpa = ratio(spend, conversions)
    # Sampling error of the week's ROAS and CPA, from its daily residuals (delta method).
    daily = {m: getattr(corrected, m)[:, recent] for m in ("value", "spend", "conversions")}
    log_roas, log_roas_var, roas_days = log_ratio_estimate(daily["value"], daily["spend"])
    log_cpa, log_cpa_var, cpa_days = log_ratio_estimate(daily["spend"], daily["conversions"])
    campaign_roas = ratio(
        np.bincount(g.campaign_index, value, len(c.ids)),
        np.bincount(g.campaign_index, spend, len(c.ids)),
    )
    step_cap = float(limits.max_bid_change_pct) / 100
    proposals, holds = [], []
    for i in range(len(g.ids)):
        ci = int(g.campaign_index[i])
        if not (g.active[i] and c.active[ci]) or c.pinned[ci] or c.cooling_down[ci]:
            continue  # the campaign-level hold already explains it
        if skip_campaigns[ci]:
            holds.append(
                Hold(
                    "ad_group",
                    i,
                    "hold: the campaign's budget changes in this run "
                    "(one significant change at a time)",
                )
            )
            continue
        if clicks[i] < limits.min_clicks or conversions[i] < limits.min_conversions / 2:
            holds.append(
                Hold(
                    "ad_group",
                    i,
                    f"hold: {clicks[i]:,.0f} clicks and {conversions[i]:,.1f} "
                    f"conversions in {WINDOW} days are too few to judge the bid",
                )
            )
            continue
        if np.isfinite(c.target_cpa[ci]):
            gap, measure = (
                c.target_cpa[ci] / cpa[i] - 1,
                (f"CPA {cpa[i]:,.2f} against the target {c.target_cpa[ci]:,.2f}"),
            )
            # Value per conversion's inverse: "CPA below target" is "1/CPA above 1/target".
            estimate = (-log_cpa[i], log_cpa_var[i], cpa_days[i], 1 / c.target_cpa[ci])
        else:
            target = c.target_roas[ci] if np.isfinite(c.target_roas[ci]) else campaign_roas[ci]
            source = "target" if np.isfinite(c.target_roas[ci]) else "campaign's own"
            gap, measure = (
                roas[i] / target - 1,
                (f"ROAS {roas[i]:.2f} against the {source} {target:.2f}"),
            )
            estimate = (log_roas[i], log_roas_var[i], roas_days[i], target)
        if not np.isfinite(gap) or abs(gap) <= DEAD_BAND:
            continue
        step = float(np.sign(gap) * min(step_cap, abs(gap) / 2))
        quality = g.quality_score[i]
        if step > 0 and np.isfinite(quality) and quality <= LOW_QUALITY:
            holds.append(
                Hold(
                    "ad_group",
                    i,
                    f"hold: {measure} suggests a higher bid, but the quality score "
                    f"is {quality:.0f}/10 — fix the ads before paying more per click",
                )
            )
            continue
        if step > 0 and np.isfinite(quality) and quality < HIGH_QUALITY:
            step /= 2  # average quality: half a step up
        current = Decimal(str(g.bid[i])).quantize(Decimal("0.01"))
        # Round toward the current bid, so the cent never takes a step past the cap.
        toward_current = ROUND_FLOOR if step > 0 else ROUND_CEILING
        proposed = (current * Decimal(str(1 + step))).quantize(Decimal("0.01"), toward_current)
        proposed = max(proposed, Decimal("0.01"))
        if proposed == current:
            continue
        # How sure the ad group really is on that side of its target (its week's sampling
        # error; the target is taken as given, even the campaign's own ROAS).
        sure = bid_confidence(
            log_roas=estimate[0],
            log_roas_var=estimate[1],
            days=estimate[2],
            target=estimate[3],
            raising=step > 0,
        )
        confidence = float(sure) if np.isfinite(sure) else None
        daily_value = value[i] / WINDOW
        # Rough: a bid step moves volume by about half the step at the ad group's ROAS.
        gain = float(daily_value * abs(step) * 0.5 * (1 if step > 0 else 0.2))
        reason = (
            f"{'Raise' if step > 0 else 'Lower'} the bid {current} → {proposed} "
            f"({step * 100:+.1f} %): {measure} over the last {WINDOW} days "
            f"({clicks[i]:,.0f} clicks, {conversions[i]:,.1f} conversions)"
            + (f"; quality score {quality:.0f}/10" if np.isfinite(quality) else "")
            + "."
            + (
                ""
                if confidence is None
                else f" Spectra is {percent_sure(confidence)} sure the ad group's "
                f"{'CPA' if np.isfinite(c.target_cpa[ci]) else 'ROAS'} really is on that "
                "side of its target, given the week's day-to-day noise."
            )
        )
        proposals.append(
            Proposal(
                kind="bid",
                campaign_index=ci,
                ad_group_index=i,
                current=current,
                proposed=proposed,
                reason=reason,
                expected_gain=gain,
                confidence=confidence,
                evidence={
                    "roas": _f(roas[i]),
                    "cpa": _f(cpa[i]),
                    "campaign_roas": _f(campaign_roas[ci]),
                    "target_roas": _f(c.target_roas[ci]),
                    "target_cpa": _f(c.target_cpa[ci]),
                    "clicks_7d": _f(clicks[i]),
                    "conversions_7d": _f(conversions[i]),
                    "quality_score": _f(quality),
                    "step_pct": round(step * 100, 2),
                    "log_ratio_sd": _f(np.sqrt(max(float(estimate[1]), 0.0)))
                    if np.isfinite(estimate[1])
                    else None,
                },
            )
        )
    return _one_per_campaign(proposals, holds)


def _one_per_campaign(proposals: list[Proposal], holds: list[Hold]):
    """At most one bid change per campaign per run: every bid change restarts the
    campaign's learning, so only the ad group with the largest expected gain moves."""
    best: dict[int, Proposal] = {}
    for p in proposals:
        if p.campaign_index not in best or p.expected_gain > best[p.campaign_index].expected_gain:
            best[p.campaign_index] = p
    kept = [p for p in proposals if best[p.campaign_index] is p]
    for p in proposals:
        if best[p.campaign_index] is not p:
            holds.append(
                Hold(
                    "ad_group",
                    int(p.ad_group_index),
                    "hold: another ad group of this campaign has the larger expected gain "
                    "from a bid change in this run (one significant change per campaign "
                    "per run)",
                )
            )
    return kept, holds


def _f(value) -> float | None:
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None
