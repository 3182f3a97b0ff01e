"""A recommendation's evidence as a person reads it, for its page.

Pure functions from a Recommendation's stored evidence (what the optimiser judged, see
optimizer.budgets and optimizer.bids) and its DailyMetric rows (as reported now) to
template context: the two compared weeks as tiles, the trend in words, the response
curve with the current and proposed budget marked, the conversion lag's share of the
last days, how sure Spectra is and what it assumed. No query here: the admin reads the
rows (`daily_rows`) and passes them in. Old proposals carry less evidence; every part
says "—" or leaves itself out rather than guess.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from campaigns.admin.charts import Series, line_chart
from campaigns.money import money

WEEK = 7
BUDGET_LIMITED = 0.9  # spent this share of its budget or more: the budget is what limits it
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Tile:
    label: str
    recent: str
    previous: str
    change: str  # "+12 %", "—"
    tone: str  # "good", "bad" or "" (the change's colour)


@dataclass(frozen=True)
class Day:
    """One day's totals for the campaign (or ad group) a recommendation targets."""

    date: date
    spend: Decimal
    conversions: Decimal
    value: Decimal
    clicks: int = 0
    impressions: int = 0


def weeks(as_of: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The optimiser's two weeks: the 7 complete days before `as_of`, and the 7 before."""
    recent = (as_of - timedelta(days=WEEK), as_of - timedelta(days=1))
    previous = (as_of - timedelta(days=2 * WEEK), as_of - timedelta(days=WEEK + 1))
    return recent, previous


def _sum(days: list[Day], first: date, last: date) -> dict[str, Decimal]:
    inside = [d for d in days if first <= d.date <= last]
    return {
        "spend": sum((d.spend for d in inside), Decimal(0)),
        "conversions": sum((d.conversions for d in inside), Decimal(0)),
        "value": sum((d.value for d in inside), Decimal(0)),
        "days": len(inside),
    }


def _ratio(a: Decimal, b: Decimal) -> Decimal | None:
    return a / b if b else None


def _pct(now, before) -> float | None:
    if now is None or before in (None, 0):
        return None
    return float((Decimal(now) - Decimal(before)) / Decimal(before) * 100)


def _pct_words(pct: float | None) -> str:
    if pct is None:
        return "—"
    text = f"{pct:+.0f} %" if abs(pct) >= 10 else f"{pct:+.1f} %"
    return text.replace("+0.0 %", "0 %").replace("-0.0 %", "0 %")


def metric_tiles(days: list[Day], *, as_of: date, currency: str) -> list[Tile]:
    """Spend, conversion value, conversions, CPA and ROAS for the two compared weeks.

    Impression share is not in the synced rows (DailyMetric has none), so it has no
    tile rather than a made-up one. A rising CPA is bad; for the rest, up is good.
    """
    (r0, r1), (p0, p1) = weeks(as_of)
    now, before = _sum(days, r0, r1), _sum(days, p0, p1)
    if not now["days"] and not before["days"]:
        return []

    def amount(value):
        return (
            "—"
            if value is None
            else money(Decimal(value).quantize(Decimal(1)), currency, whole=True)
        )

    def count(value):
        return "—" if value is None else f"{Decimal(value):,.1f}".removesuffix(".0")

    def ratio(value):
        return "—" if value is None else f"{value:.2f}"

    rows = [
        ("Spend", now["spend"], before["spend"], amount, None),
        ("Conversion value", now["value"], before["value"], amount, True),
        ("Conversions", now["conversions"], before["conversions"], count, True),
        (
            "CPA",
            _ratio(now["spend"], now["conversions"]),
            _ratio(before["spend"], before["conversions"]),
            amount,
            False,
        ),
        (
            "ROAS",
            _ratio(now["value"], now["spend"]),
            _ratio(before["value"], before["spend"]),
            ratio,
            True,
        ),
    ]
    tiles = []
    for label, a, b, write, up_is_good in rows:
        pct = _pct(a, b)
        tone = ""
        if pct is not None and up_is_good is not None and abs(pct) >= 1:
            tone = "good" if (pct > 0) == up_is_good else "bad"
        tiles.append(Tile(label, write(a), write(b), _pct_words(pct), tone))
    return tiles


def p_words(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3g}" if p < 0.1 else f"p = {p:.2f}"


def trend_sentence(trend: dict | None) -> str:
    """'ROAS fell 12 % week over week; not significant (p = 0.41) — could be noise.'"""
    if not isinstance(trend, dict):
        return ""
    label = {"roas": "ROAS", "cpa": "CPA", "cvr": "Conversion rate", "ctr": "CTR"}.get(
        trend.get("metric", ""), str(trend.get("metric", "The metric")).capitalize()
    )
    pct, p = trend.get("change_pct"), trend.get("p_value")
    if pct is None or p is None:
        why = str(trend.get("reason", "")).removeprefix("hold: ")
        return f"{label} cannot be compared week over week: {why}." if why else ""
    if str(trend.get("reason", "")).startswith("hold: only"):
        why = str(trend["reason"]).removeprefix("hold: ")
        way = "rose" if pct > 0 else "fell"
        return (
            f"{label} {way} {abs(pct):.0f} % week over week, on too little volume to judge: {why}."
        )
    way = "rose" if pct > 0 else "fell"
    size = f"{abs(pct):.0f} %" if abs(pct) >= 10 else f"{abs(pct):.1f} %"
    before, now = trend.get("previous"), trend.get("recent")
    if isinstance(before, int | float) and isinstance(now, int | float):
        # The optimiser's figures are lag-corrected, so they may differ from the tiles.
        size += f" ({before:.2f} → {now:.2f}, lag-corrected)"
    if trend.get("significant"):
        return f"{label} {way} {size} week over week; significant ({p_words(p)})."
    alpha = trend.get("alpha")
    needs = f", needs < {alpha:g}" if isinstance(alpha, int | float) else ""
    return (
        f"{label} {way} {size} week over week; not significant ({p_words(p)}{needs}) — "
        "could be noise."
    )


def percent_sure(p: float) -> str:
    if p >= 0.995:
        return "over 99 %"
    if p < 0.005:
        return "under 1 %"
    return f"{p * 100:.0f} %"


NOT_A_BET = {
    "rollback": "a rollback restores an earlier state; it is not a bet on value",
    "person": "a person asked for this change; Spectra did not fit it",
    "spend_limit": "the campaign reached its spend limit; stopping is required",
}


def confidence_sentence(
    *,
    kind: str,
    confidence,
    evidence: dict,
    currency: str,
    target_words: str = "",
    source: str = "optimizer",
) -> str:
    """How sure Spectra is, in one sentence a person can check against the numbers."""
    if confidence is None:
        if source in NOT_A_BET:
            return f"No confidence is given: {NOT_A_BET[source]}."
        if kind in ("audience_activate", "audience_suppress"):
            return (
                "No confidence is given: an audience switch follows the platform's intent and "
                "fatigue scores against the policy's thresholds, not a fitted response."
            )
        if kind == "budget" and isinstance(evidence.get("confidence"), dict):
            return (
                "No confidence is given: this cut is required by the campaign's max daily "
                "spend, not a bet on value."
            )
        return "No confidence is given for this change."
    p = float(confidence)
    basis = evidence.get("confidence") if isinstance(evidence.get("confidence"), dict) else None
    if kind == "budget" and basis:
        response = evidence.get("response") or {}
        shift, value = basis.get("budget_change"), basis.get("value_change")
        cost = basis.get("opportunity_cost")
        margin = evidence.get("portfolio_marginal_roas")
        if None in (shift, value, cost, margin):
            return f"Spectra is {percent_sure(p)} sure this raises conversion value."
        spread = []
        if response.get("elasticity") is not None:
            sd = response.get("elasticity_sd")
            spread.append(
                f"elasticity {response['elasticity']:.2f}"
                + (f" ± {sd:.2f}" if sd is not None else "")
            )
        if response.get("level_sd") is not None:
            spread.append(f"level ± {(math.exp(response['level_sd']) - 1) * 100:.0f} %")
        curves = f" ({'; '.join(spread)})" if spread else ""

        def m(x):
            return money(Decimal(str(abs(x))).quantize(Decimal(1)), currency, whole=True)

        if shift > 0:
            how = (
                f"the {m(value)} a day of value it expects from {m(shift)} more budget beats the "
                f"{m(cost)} that budget would bring at the pool's margin ({margin:.2f} per 1)"
            )
        else:
            how = (
                f"the {m(value)} a day of value given up by cutting {m(shift)} of budget is less "
                f"than the {m(cost)} that budget brings at the pool's margin ({margin:.2f} per 1)"
            )
        return (
            f"Spectra is {percent_sure(p)} sure this raises conversion value: in "
            f"{percent_sure(p)} of the response curves this campaign's data allows{curves}, {how}."
        )
    if kind == "bid":
        sd = evidence.get("log_ratio_sd")
        noise = f" (± {(math.exp(sd) - 1) * 100:.0f} %)" if isinstance(sd, int | float) else ""
        return (
            f"Spectra is {percent_sure(p)} sure the ad group really is "
            f"{target_words or 'on that side of its target'}, "
            f"given the week's day-to-day noise{noise}."
        )
    return (
        f"Confidence {percent_sure(p)} (an older proposal: what it was computed from was not "
        "recorded)."
    )


def assumption_sentence(evidence: dict) -> tuple[str, bool]:
    """What the change assumes, in words, and whether it is an assumption at all."""
    response = evidence.get("response") if isinstance(evidence.get("response"), dict) else None
    if not response or "data_driven" not in response:
        return "", False
    beta = response.get("elasticity")
    rise = f" (a 10 % budget rise buys about {beta * 10:.0f} % more value)" if beta else ""
    if response["data_driven"]:
        sd = response.get("elasticity_sd")
        return (
            f"The response is measured from this campaign's own data: elasticity "
            f"{beta:.2f}{f' ± {sd:.2f}' if sd is not None else ''}{rise}.",
            False,
        )
    variation = response.get("spend_variation")
    varied = (
        f" (its spend varied by ±{variation * 100:.0f} % over the days fitted)"
        if isinstance(variation, int | float)
        else ""
    )
    share = response.get("step_share")
    step = (
        f" So the step is held to {share * 100:.0f} % of the policy's cap."
        if isinstance(share, int | float) and share < 1
        else ""
    )
    assumed = f"an elasticity of {beta:.2f}{rise}" if beta is not None else "a typical elasticity"
    return (
        "This rests on an assumed response, not this campaign's data — there is too little "
        f"spend variation to measure it{varied}. Spectra assumed {assumed}, pooled from the "
        f"account's other campaigns.{step}",
        True,
    )


def budget_limits_sentence(evidence: dict, *, current, currency: str) -> str:
    """'Limited by budget' or 'cannot spend more: demand-capped', from the judged days."""
    response = evidence.get("response") if isinstance(evidence.get("response"), dict) else {}
    series = evidence.get("series") if isinstance(evidence.get("series"), dict) else {}
    spend = [s for s in (series.get("spend") or [])[-WEEK:] if s is not None]
    if not spend or not current:
        return ""
    share = sum(spend) / len(spend) / float(current)
    budget = money(Decimal(current), currency, whole=True)
    if response.get("demand_capped"):
        cap = response.get("spend_cap")
        flat = (
            f"; its value stops growing beyond about "
            f"{money(Decimal(str(cap)).quantize(Decimal(1)), currency, whole=True)} a day"
            if isinstance(cap, int | float)
            else ""
        )
        return (
            f"Cannot spend more: demand-capped — it spent {share * 100:.0f} % of its {budget} "
            f"budget a day over the last {len(spend)} days{flat}."
        )
    if share >= BUDGET_LIMITED:
        return (
            f"Limited by budget: it spent {share * 100:.0f} % of its {budget} budget a day over "
            f"the last {len(spend)} days, so more budget can buy more."
        )
    return (
        f"Not limited by budget: it spent {share * 100:.0f} % of its {budget} budget a day over "
        f"the last {len(spend)} days."
    )


def lag_summary(evidence: dict, *, currency: str, days: int = WEEK) -> dict | None:
    """The conversion lag's share of the last days: expected (lag-corrected) value against
    what had been reported when Spectra decided, and a chart of both."""
    series = evidence.get("series") if isinstance(evidence.get("series"), dict) else {}
    expected, reported = series.get("value") or [], series.get("reported_value") or []
    dates = series.get("dates") or []
    if not expected or len(reported) != len(expected) or len(dates) != len(expected):
        return None
    pairs = [
        (d, e, r)
        for d, e, r in zip(dates, expected, reported, strict=True)
        if e is not None and r is not None
    ][-days:]
    if not pairs:
        return None
    total_expected = sum(e for _, e, _ in pairs)
    total_reported = sum(r for _, _, r in pairs)
    missing = max(total_expected - total_reported, 0.0)
    share = missing / total_expected if total_expected > 0 else 0.0
    last = pairs[-1]
    youngest = last[2] / last[1] if last[1] else 1.0

    def m(x):
        return money(Decimal(str(x)).quantize(Decimal(1)), currency, whole=True)

    sentence = (
        f"Conversion lag: of the {m(total_expected)} of conversion value Spectra expects for "
        f"the last {len(pairs)} days, {m(missing)} ({share * 100:.0f} %) had not been reported "
        f"yet when it decided; the youngest day ({last[0]}) was {min(youngest, 1) * 100:.0f} % "
        "complete. The decision used the expected value."
    )
    chart = line_chart(
        [str(d)[5:] for d, _, _ in pairs],
        [
            Series("expected", [e for _, e, _ in pairs], "#198754"),
            Series("reported", [r for _, _, r in pairs], "#b35c00"),
        ],
        title=f"Conversion value, last {len(pairs)} days: expected vs reported when decided",
        width=480,
        height=200,
    )
    return {
        "sentence": sentence,
        "share": share,
        "share_pct": f"{share * 100:.0f} %",
        "chart": chart,
    }


def response_curve(evidence: dict, *, current, proposed, currency: str) -> SafeString | None:
    """Spend → expected conversion value, with the current and proposed budget marked.

    The curve is the fit the optimiser used: V·(min(b, cap)/min(b₀, cap))^β through the
    expected value at the current budget b₀ (`expected_value_before`).
    """
    response = evidence.get("response") if isinstance(evidence.get("response"), dict) else {}
    beta, v0 = response.get("elasticity"), evidence.get("expected_value_before")
    v1 = evidence.get("expected_value_after")
    if beta is None or v0 is None or not current or proposed is None:
        return None
    b0, b1 = float(current), float(proposed)
    cap = response.get("spend_cap")
    cap = float(cap) if isinstance(cap, int | float) else math.inf
    base = min(b0, cap)
    if base <= 0:
        return None

    def value(b: float) -> float:
        return v0 * (min(b, cap) / base) ** beta

    lo, hi = 0.0, max(b0, b1) * 1.6
    n = 60
    xs = [lo + (hi - lo) * k / n for k in range(n + 1)]
    ys = [value(x) for x in xs]
    top = max([*ys, v1 or 0.0]) * 1.1 or 1.0
    width, height = 480, 220
    left, right, upper, lower = 78, 16, 34, 40
    plot_w, plot_h = width - left - right, height - upper - lower

    def x(b: float) -> float:
        return left + (b - lo) / (hi - lo) * plot_w

    def y(v: float) -> float:
        return upper + plot_h - v / top * plot_h

    def m(v: float) -> str:
        return money(Decimal(str(round(v))), currency, whole=True)

    title = "Response curve: daily budget → expected conversion value a day"
    parts = [
        f'<svg class="spectra-chart" id="response-curve" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}">',
        f'<text x="0" y="12" {_FONT} font-weight="600">{escape(title)}</text>',
    ]
    for frac in (0, 0.5, 1):
        v = top * frac
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e9ecef"/><text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'{_FONT} fill="#6c757d">{escape(m(v))}</text>'
        )
    for frac, anchor in ((0, "start"), (0.5, "middle"), (1, "end")):
        b = lo + (hi - lo) * frac
        parts.append(
            f'<text x="{x(b):.1f}" y="{height - 22}" text-anchor="{anchor}" {_FONT} '
            f'fill="#6c757d">{escape(m(b))}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" {_FONT} '
        'fill="#495057">daily budget</text>'
    )
    points = " ".join(f"{x(b):.1f},{y(v):.1f}" for b, v in zip(xs, ys, strict=True))
    parts.append(f'<polyline fill="none" stroke="#0d6efd" stroke-width="2" points="{points}"/>')
    if math.isfinite(cap) and cap < hi:
        parts.append(
            f'<line x1="{x(cap):.1f}" x2="{x(cap):.1f}" y1="{upper}" y2="{upper + plot_h}" '
            f'stroke="#6c757d" stroke-dasharray="3 3"><title>demand cap: spend stops '
            f"growing near {escape(m(cap))}</title></line>"
        )
    marks = [("now", b0, value(b0), "#495057"), ("proposed", b1, v1 or value(b1), "#dc3545")]
    for n_mark, (label, b, v, colour) in enumerate(marks):
        text = f"{label}: {m(b)} → {m(v)}/day"
        ty = upper + 12 + 14 * n_mark
        parts.append(
            f'<line x1="{x(b):.1f}" x2="{x(b):.1f}" y1="{y(v):.1f}" y2="{upper + plot_h}" '
            f'stroke="{colour}" stroke-dasharray="4 3"/>'
            f'<circle cx="{x(b):.1f}" cy="{y(v):.1f}" r="5" fill="{colour}" class="curve-mark" '
            f'data-mark="{label}"><title>{escape(text)}</title></circle>'
            f'<rect x="{left + 8}" y="{ty - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 22}" y="{ty + 1}" {_FONT}>{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def evidence_context(rec, days: list[Day], *, as_of: date) -> dict:
    """Everything the recommendation page shows of its evidence, ready for the template."""
    evidence = rec.evidence if isinstance(rec.evidence, dict) else {}
    currency = rec.account.currency
    assumption, assumed = assumption_sentence(evidence)
    target_words = ""
    if rec.kind == "bid":
        raising = (rec.proposed_value or 0) > (rec.current_value or 0)
        if evidence.get("target_cpa") is not None:
            side = "below" if raising else "above"
            target = money(Decimal(str(evidence["target_cpa"])), currency, whole=True)
            target_words = f"at a CPA {side} its target of {target}"
        else:
            target = evidence.get("target_roas") or evidence.get("campaign_roas")
            whose = "target" if evidence.get("target_roas") else "campaign's own"
            side = "above" if raising else "below"
            target_words = (
                f"at a ROAS {side} the {whose} {target:.2f}" if target is not None else ""
            )
    (r0, r1), (p0, p1) = weeks(as_of)
    context = {
        "tiles": metric_tiles(days, as_of=as_of, currency=currency),
        "weeks": f"{r0:%d %b}–{r1:%d %b} against {p0:%d %b}–{p1:%d %b}",
        "trend": trend_sentence(evidence.get("roas_week_over_week")),
        "confidence": confidence_sentence(
            kind=rec.kind,
            confidence=rec.confidence,
            evidence=evidence,
            currency=currency,
            target_words=target_words,
            source=rec.source,
        ),
        "assumption": assumption,
        "assumed": assumed,
        "limits": "",
        "curve": None,
        "lag": lag_summary(evidence, currency=currency),
    }
    if rec.kind == "budget":
        context["limits"] = budget_limits_sentence(
            evidence, current=rec.current_value, currency=currency
        )
        context["curve"] = response_curve(
            evidence, current=rec.current_value, proposed=rec.proposed_value, currency=currency
        )
    return context
