"""A month's AI bill for one organization: lines by campaign and purpose, in cents that
add up to the total (the total is the exact cost rounded once; the lines are rounded
with a largest-remainder step so they sum to it), ready for an invoice or a CSV."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum

from creative.models import AICall, Purpose
from creative.months import month_bounds

CENT = Decimal("0.01")


def cents_that_add_up(amounts: list[Decimal]) -> tuple[list[Decimal], Decimal]:
    """(lines, total): the total is sum(amounts) rounded half-up to the cent; each line is
    its amount rounded down, plus one cent for the largest remainders (ties to the
    earlier line) until the lines make the total."""
    total = sum(amounts, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    floors = [a.quantize(CENT, ROUND_DOWN) for a in amounts]
    missing = int((total - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    for i in order[: max(missing, 0)]:
        floors[i] += CENT
    return floors, total


@dataclass(frozen=True)
class InvoiceLine:
    campaign_id: int | None
    campaign: str
    purpose: str
    calls: int
    input_tokens: int
    output_tokens: int
    images: int
    exact_cost: Decimal
    cost: Decimal  # to the cent; the lines add up to the invoice's total


@dataclass(frozen=True)
class Invoice:
    organization_id: int
    month: date
    lines: list[InvoiceLine]
    total: Decimal

    @property
    def calls(self) -> int:
        return sum(line.calls for line in self.lines)


def invoice_for(*, organization_id: int, month: date) -> Invoice:
    """The organization's AI calls of `month` (UTC), grouped by campaign and purpose."""
    start, end = month_bounds(month)
    rows = list(
        AICall.objects.filter(
            organization_id=organization_id, created_at__gte=start, created_at__lt=end
        )
        .values("campaign_id", "campaign__name", "purpose")
        .annotate(
            calls=Count("pk"),
            input_tokens=Sum("input_tokens"),
            output_tokens=Sum("output_tokens"),
            images=Sum("images"),
            cost=Sum("cost"),
        )
        # Calls of no campaign first, on every database (PostgreSQL puts NULL last).
        .order_by(F("campaign__name").asc(nulls_first=True), "purpose")
    )
    cents, total = cents_that_add_up([row["cost"] or Decimal(0) for row in rows])
    purposes = dict(Purpose.choices)
    lines = [
        InvoiceLine(
            campaign_id=row["campaign_id"],
            campaign=row["campaign__name"] or "(no campaign)",
            purpose=purposes.get(row["purpose"], row["purpose"]),
            calls=row["calls"],
            input_tokens=row["input_tokens"] or 0,
            output_tokens=row["output_tokens"] or 0,
            images=row["images"] or 0,
            exact_cost=row["cost"] or Decimal(0),
            cost=cost,
        )
        for row, cost in zip(rows, cents, strict=True)
    ]
    return Invoice(organization_id, month.replace(day=1), lines, total)
