"""Every AI call metered, priced and held to the organization's monthly budget.

Cost is what the provider's reported usage costs at the price in force on the call's
day (a new price is a new row, so history keeps its cost). Amounts are USD Decimals to
a millionth of a dollar per call, summed exactly; invoices round once, to the cent.
"""

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import AlertKind, Severity
from campaigns.services.alerts import alert_raise
from creative.llm.client import Attempt
from creative.llm.errors import AIUnavailable
from creative.models import AICall, AISettings, AISpend, CallOutcome, ModelPrice
from creative.months import month_bounds, month_start

MILLION = Decimal(1_000_000)
MICRO = Decimal("0.000001")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CallContext:
    """Who a call is for and why: what every metered row of one generation shares."""

    organization_id: int | None  # None: Spectra's own (prompt tests), no tenant's budget
    purpose: str
    provider_name: str
    model: str
    campaign_id: int | None = None
    prompt_version_id: int | None = None
    included: dict | None = None  # what the prompt carried beyond the brief


# Prices are Spectra's, not a tenant's: a process may keep them a minute. A price
# entered for today is seen within PRICE_TTL_S; one entered for a past day never changes
# what was already billed (the row keeps its cost).
PRICE_TTL_S = 60.0
_prices: dict[tuple, tuple[float, ModelPrice | None]] = {}


def price_on(model: str, day) -> ModelPrice | None:
    """The price of `model` in force on `day`: the newest row from that day or before."""
    cached = _prices.get((model, day))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    price = (
        ModelPrice.objects.filter(model=model, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    _prices[(model, day)] = (time.monotonic() + PRICE_TTL_S, price)
    return price


def forget_prices() -> None:
    _prices.clear()


def cost_of(price: ModelPrice | None, *, input_tokens: int, output_tokens: int, images: int):
    """USD, to the millionth: tokens at the per-million prices, plus images."""
    if price is None:
        return Decimal(0)
    cost = (
        Decimal(input_tokens) * price.input_per_million / MILLION
        + Decimal(output_tokens) * price.output_per_million / MILLION
        + Decimal(images) * price.per_image
    )
    return cost.quantize(MICRO, rounding=ROUND_HALF_UP)


def meter(context: CallContext, attempt: Attempt, *, now: datetime | None = None) -> AICall:
    """Write the row for one attempt. Unpriced models are recorded at zero and say so."""
    now = now or timezone.now()
    price = price_on(context.model, now.date())
    detail = attempt.detail
    if price is None and (attempt.input_tokens or attempt.output_tokens or attempt.images):
        detail = (detail + " · " if detail else "") + f"no price for {context.model}"
    cost = cost_of(
        price,
        input_tokens=attempt.input_tokens,
        output_tokens=attempt.output_tokens,
        images=attempt.images,
    )
    with transaction.atomic():
        call = AICall.objects.create(
            organization_id=context.organization_id,
            campaign_id=context.campaign_id,
            purpose=context.purpose,
            provider_name=context.provider_name,
            model=context.model,
            prompt_version_id=context.prompt_version_id,
            attempt=attempt.attempt,
            input_tokens=attempt.input_tokens,
            output_tokens=attempt.output_tokens,
            images=attempt.images,
            latency_ms=attempt.latency_ms,
            outcome=attempt.outcome,
            detail=detail[:500],
            price=price,
            cost=cost,
            included=context.included or {},
        )
        if context.organization_id is not None:
            _add_to_month(context.organization_id, month_start(call.created_at).date(), cost)
    return call


def _add_to_month(organization_id: int, month, cost: Decimal) -> None:
    rows = AISpend.objects.filter(organization_id=organization_id, month=month)
    if rows.update(cost=F("cost") + cost, calls=F("calls") + 1):
        return
    try:
        with transaction.atomic():
            AISpend.objects.create(organization_id=organization_id, month=month, cost=cost, calls=1)
    except IntegrityError:  # another worker opened the month first
        rows.update(cost=F("cost") + cost, calls=F("calls") + 1)


def month_spend(organization_id: int, *, now: datetime | None = None) -> Decimal:
    """This month's AI cost so far (the running total metering keeps)."""
    now = now or timezone.now()
    total = (
        AISpend.objects.filter(organization_id=organization_id, month=month_start(now).date())
        .values_list("cost", flat=True)
        .first()
    )
    return total if total is not None else Decimal(0)


def monthly_budget(organization_id: int) -> Decimal:
    settings_row = AISettings.objects.filter(organization_id=organization_id).first()
    return (
        settings_row.monthly_budget
        if settings_row
        else AISettings._meta.get_field("monthly_budget").default
    )


def budget_check(context: CallContext, *, now: datetime | None = None) -> None:
    """Refuse a call once the month's spend has reached the budget, and tell the admins
    (one open alert per organization and month, refreshed, not repeated)."""
    now = now or timezone.now()
    spent, budget = (
        month_spend(context.organization_id, now=now),
        monthly_budget(context.organization_id),
    )
    if spent < budget:
        return
    meter(
        context, Attempt(1, CallOutcome.OVER_BUDGET, 0, detail="monthly AI budget spent"), now=now
    )
    alert_raise(
        organization_id=context.organization_id,
        kind=AlertKind.AI_BUDGET,
        severity=Severity.WARNING,
        title=f"AI budget for {now:%B %Y} spent: ${spent.quantize(CENT)} of ${budget}",
        message="Generation waits until next month or until an admin raises the budget "
        "(AI settings).",
        dedup_key=f"ai_budget:{now:%Y-%m}",
        data={"spent": str(spent), "budget": str(budget)},
    )
    next_month = month_bounds(now)[1]
    raise AIUnavailable(
        f"This organization's AI budget for {now:%B %Y} (${budget}) is spent.",
        outcome=CallOutcome.OVER_BUDGET,
        retry_at=next_month,
    )


def month_spend_of(org_ids: list[int] | None, *, now: datetime | None = None):
    """(spent, budget) this month over these organizations (None: all, with no budget
    total, which means nothing summed across tenants); two queries."""
    now = now or timezone.now()
    spend = AISpend.objects.filter(month=month_start(now).date())
    if org_ids is not None:
        spend = spend.filter(organization_id__in=org_ids)
    spent = sum(spend.values_list("cost", flat=True), Decimal(0))
    if org_ids is None:
        return spent, None
    set_budgets = dict(
        AISettings.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "monthly_budget"
        )
    )
    default = AISettings._meta.get_field("monthly_budget").default
    return spent, sum((set_budgets.get(pk, default) for pk in org_ids), Decimal(0))
