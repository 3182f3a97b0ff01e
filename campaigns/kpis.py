"""The performance figures a person compares campaigns by, declared once.

Each KPI is a ratio of DailyMetric sums (CTR = clicks / impressions, CPA = spend /
conversions, …). `KPI_ANNOTATIONS` computes them in the database for changelists
(sortable, one query for a whole page); `kpi_values` computes the same from totals in
Python for the campaign page's tiles. A ratio with nothing under it is None and is
written "—", never 0 and never a division error.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    DecimalField,
    ExpressionWrapper,
    FloatField,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, NullIf

from campaigns.models import DailyMetric
from campaigns.money import money

# The DailyMetric sums every KPI is made of.
TOTALS = ("impressions", "clicks", "conversions", "conversion_value", "spend")


@dataclass(frozen=True)
class Kpi:
    name: str  # annotation and column name: kpi_<name>
    label: str
    numerator: str  # a total, or the KPI itself when `denominator` is empty
    denominator: str = ""
    unit: str = "number"  # "money", "percent", "ratio" or "number"
    higher_is_better: bool | None = True  # None: neither (spend)
    short: str = ""  # a list column's header, where the label is long

    @property
    def header(self) -> str:
        return self.short or self.label


KPIS = (
    Kpi("spend", "spend", "spend", unit="money", higher_is_better=None),
    Kpi("conversions", "conversions", "conversions", short="conv."),
    Kpi("ctr", "CTR", "clicks", "impressions", unit="percent"),
    Kpi("cpc", "CPC", "spend", "clicks", unit="money", higher_is_better=False),
    Kpi("cpa", "CPA", "spend", "conversions", unit="money", higher_is_better=False),
    Kpi("roas", "ROAS", "conversion_value", "spend", unit="ratio"),
)
KPI_BY_NAME = {kpi.name: kpi for kpi in KPIS}


def kpi_annotations(*, link: str, first, last) -> dict:
    """Annotations kpi_<name> for a queryset of the rows DailyMetric points at through
    `link` ("campaign", "ad_group"): the KPIs of their metrics dated `first` to `last`
    (dates, or expressions of the outer row such as OuterRef("kpi_first")).

    Correlated subqueries rather than a join: each reads only its row's days through the
    (campaign, date) or (ad_group, date) index, and the changelist's count stays a count.
    """
    rows = (
        DailyMetric.objects.filter(**{link: OuterRef("pk")}, date__gte=first, date__lte=last)
        .order_by()
        .values(link)
    )
    sums = {
        total: Subquery(
            rows.annotate(total=Sum(total)).values("total")[:1], output_field=_output(total)
        )
        for total in TOTALS
    }
    annotations = {}
    for kpi in KPIS:
        top = sums[kpi.numerator]
        if not kpi.denominator:
            annotations[f"kpi_{kpi.name}"] = top
            continue
        # Floats in the database: a Decimal division on SQLite keeps no scale, and a
        # ratio is a figure to sort and read, not an amount to book.
        annotations[f"kpi_{kpi.name}"] = ExpressionWrapper(
            Cast(top, FloatField()) / NullIf(Cast(sums[kpi.denominator], FloatField()), 0.0),
            output_field=FloatField(),
        )
    return annotations


def _output(total: str):
    if total in ("impressions", "clicks"):
        return BigIntegerField()
    return DecimalField(max_digits=20, decimal_places=2)


def kpi_values(totals: Mapping[str, Decimal | int | None]) -> dict[str, float | Decimal | None]:
    """The KPIs of one set of totals (as from DailyMetric sums); None where undefined."""
    values = {}
    for kpi in KPIS:
        top = totals.get(kpi.numerator)
        if not kpi.denominator:
            values[kpi.name] = top
            continue
        bottom = totals.get(kpi.denominator)
        values[kpi.name] = None if top is None or not bottom else float(top) / float(bottom)
    return values


def write_kpi(kpi: Kpi, value, currency: str, *, whole: bool = False) -> str:
    """A KPI as a person reads it: money in the account's format, CTR in percent, ROAS
    as a multiple; '—' for no data. `whole` drops zero paise (a list read at a glance)."""
    if value is None:
        return "—"
    if kpi.unit == "money":
        return money(Decimal(str(value)).quantize(Decimal("0.01")), currency, whole=whole)
    if kpi.unit == "percent":
        return f"{float(value) * 100:.2f} %"
    if kpi.unit == "ratio":
        return f"{float(value):.2f}×"
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"


def kpi_change(kpi: Kpi, current, previous) -> tuple[str, str]:
    """('+12 %', 'better' | 'worse' | 'neutral'); ('', 'neutral') when undefined."""
    if current is None or previous in (None, 0):
        return "", "neutral"
    change = (float(current) - float(previous)) / float(previous) * 100
    text = f"{change:+.0f} %" if abs(change) >= 1 else f"{change:+.1f} %"
    if kpi.higher_is_better is None or round(change, 1) == 0:
        return text, "neutral"
    return text, "better" if (change > 0) == kpi.higher_is_better else "worse"
