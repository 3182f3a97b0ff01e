"""What a prompt may carry of a campaign's history, within a token budget.

History is newest first: weekly performance, changes people rejected and why. The
newest items go in verbatim while they fit; older ones are carried by the campaign's
rolling summary, which is refreshed (previous summary + the items it does not cover
yet, one "history-summary" call) only when items older than it reaches must leave.
Tokens are a local estimate (no tokenizer download); the bill comes from the usage the
provider reports. What went in is returned, for the call's row to record.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from campaigns.models import Campaign, DailyMetric, Recommendation, RecommendationStatus
from creative.models import CampaignSummary, Purpose
from creative.schemas import HistorySummary

HISTORY_WEEKS = 12
REJECTIONS = 50
# Share of the budget kept for the summary once the history does not fit verbatim.
SUMMARY_SHARE = 0.3
CHARS_PER_TOKEN = 4
SUMMARY_PREFIX = "Earlier (summary): "


def estimate_tokens(text: str) -> int:
    """About four characters a token in English (what OpenAI documents as a rule of
    thumb); rounded up, so a budget is never overrun by the estimate's own rounding."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


@dataclass(frozen=True)
class HistoryItem:
    when: datetime
    text: str


@dataclass
class Context:
    text: str
    included: dict = field(default_factory=dict)

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


def campaign_history(campaign: Campaign, *, now: datetime) -> list[HistoryItem]:
    """Weekly performance and rejected changes, newest first (two queries)."""
    since = (now - timedelta(weeks=HISTORY_WEEKS)).date()
    weeks = (
        DailyMetric.objects.filter(campaign=campaign, date__gte=since)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(spend=Sum("spend"), conversions=Sum("conversions"), value=Sum("conversion_value"))
        .order_by("-week")
    )
    items = []
    for week in weeks:
        roas = f"{week['value'] / week['spend']:.2f}" if week["spend"] else "n/a"
        items.append(
            HistoryItem(
                datetime.combine(week["week"], time.min, tzinfo=UTC),
                f"week of {week['week']}: spend {week['spend']:,.2f}, "
                f"{week['conversions']:,.0f} conversions, value {week['value']:,.2f}, "
                f"ROAS {roas}",
            )
        )
    rejected = Recommendation.objects.filter(
        campaign=campaign, status=RecommendationStatus.REJECTED, decided_at__isnull=False
    ).order_by("-decided_at")[:REJECTIONS]
    for rec in rejected:
        why = rec.decision_note.strip() or "no reason given"
        items.append(
            HistoryItem(
                rec.decided_at,
                f"{rec.decided_at:%Y-%m-%d} rejected: {rec.reason[:160]} — {why[:200]}",
            )
        )
    return sorted(items, key=lambda item: item.when, reverse=True)


def _fallback_summary(variables) -> HistorySummary:
    # No model answer: the items themselves, cut to fit (never an invented summary).
    text = f"{variables['previous']}\n{variables['items']}".strip()
    return HistorySummary(summary=text[:2000] or "no history")


def context_for(*, campaign: Campaign, budget_tokens: int, now: datetime | None = None) -> Context:
    """The history text for a prompt about `campaign`, within `budget_tokens`."""
    from creative.services.generate import generate

    now = now or timezone.now()
    items = campaign_history(campaign, now=now)
    lines, used = [], 0
    everything = sum(estimate_tokens(item.text) + 1 for item in items)
    room = budget_tokens if everything <= budget_tokens else budget_tokens * (1 - SUMMARY_SHARE)
    for item in items:
        cost = estimate_tokens(item.text) + 1  # and its newline
        if used + cost > room:
            break
        lines.append(item.text)
        used += cost
    older = items[len(lines) :]
    included = {"verbatim": len(lines), "summarised": len(older), "summary_until": None}
    if not older:
        return Context("\n".join(lines), {**included, "tokens": used})
    summary = CampaignSummary.objects.filter(campaign=campaign).first()
    newest_older = older[0].when
    if summary is None or summary.covers_until < newest_older:
        uncovered = [i for i in older if summary is None or i.when > summary.covers_until]
        made = generate(
            organization_id=campaign.account.organization_id,
            campaign_id=campaign.pk,
            purpose=Purpose.SUMMARY,
            prompt="history-summary",
            variables={
                "previous": summary.text if summary else "none",
                "items": "\n".join(i.text for i in reversed(uncovered)),
            },
            fallback=_fallback_summary,
        )
        summary, _ = CampaignSummary.objects.update_or_create(
            campaign=campaign,
            defaults={
                "text": made.value.summary,
                "covers_until": newest_older,
                "items": (summary.items if summary else 0) + len(uncovered),
            },
        )
    # What is left of the budget, in characters, after the line's prefix and newline.
    room_chars = (budget_tokens - used) * CHARS_PER_TOKEN - len(SUMMARY_PREFIX) - 1
    text = summary.text[: max(room_chars, 0)]
    body = "\n".join([*lines, SUMMARY_PREFIX + text] if text else lines)
    included.update(summary_until=summary.covers_until.isoformat(), tokens=estimate_tokens(body))
    return Context(body, included)
