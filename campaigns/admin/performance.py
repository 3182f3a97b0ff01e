"""The campaign page's performance section: a date range and a comparison period, KPI
tiles for both, and the spend and conversion charts.

The range comes from the query string (`days`, or `from`–`to`; `compare`), in the
account's time zone. Bad input is said in a message and replaced by the default,
never a 500. The spend chart draws the daily budget as it was each day (from the
campaign's history: a change is a step) and both charts shade the days still gathering
conversions (campaigns.conversion_lag).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.utils.http import urlencode

from campaigns.account_time import account_today
from campaigns.admin.charts import Band, Series, line_chart
from campaigns.conversion_lag import ConversionLag, conversion_lag_of
from campaigns.kpis import KPIS, kpi_change, kpi_values, write_kpi
from campaigns.models import Campaign, DailyMetric
from campaigns.money import money

PRESET_DAYS = (7, 14, 28, 35, 90)
DEFAULT_DAYS = 35
MAX_DAYS = 366  # a custom range: up to a year a page can chart day by day
COMPARISONS = {
    "previous": "previous period",
    "last_year": "same period last year",
    "none": "no comparison",
}
DEFAULT_COMPARISON = "previous"
LAG_LABEL = "conversions still arriving"
COMPARISON_COLOUR = "#8fa3b8"
BUDGET_COLOUR = "#6f42c1"


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def __str__(self) -> str:
        return f"{_day(self.first)} – {_day(self.last)}"


@dataclass(frozen=True)
class PerformanceWindow:
    current: DateRange
    comparison: DateRange | None
    preset: int | None  # the preset's days; None for a from–to range
    compare: str  # a key of COMPARISONS


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def performance_window(params, today: date) -> tuple[PerformanceWindow, list[str]]:
    """The range and comparison asked for in `params` (a QueryDict), and what was wrong
    with them; a preset ends yesterday, the last complete day."""
    problems = []
    current, preset = None, None
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    if start or end:
        current = _custom_range(start, end, today, problems)
    if current is None:
        days = params.get("days", "")
        if days and days not in {str(d) for d in PRESET_DAYS}:
            problems.append(f"“{days}” days is not one of {', '.join(map(str, PRESET_DAYS))}.")
            days = ""
        if problems:
            problems.append(f"Showing the last {DEFAULT_DAYS} complete days instead.")
        preset = int(days) if days else DEFAULT_DAYS
        last = today - timedelta(days=1)
        current = DateRange(last - timedelta(days=preset - 1), last)
    compare = params.get("compare", DEFAULT_COMPARISON)
    if compare not in COMPARISONS:
        problems.append(
            f"“{compare}” is not a comparison Spectra knows; comparing with the "
            f"{COMPARISONS[DEFAULT_COMPARISON]} instead."
        )
        compare = DEFAULT_COMPARISON
    comparison = None
    if compare == "previous":
        end_day = current.first - timedelta(days=1)
        comparison = DateRange(end_day - timedelta(days=current.days - 1), end_day)
    elif compare == "last_year":
        begin = _year_earlier(current.first)
        comparison = DateRange(begin, begin + timedelta(days=current.days - 1))
    return PerformanceWindow(current, comparison, preset, compare), problems


def _custom_range(start: str, end: str, today: date, problems: list[str]) -> DateRange | None:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        problems.append(f"“{start} – {end}” is not a range of two dates (YYYY-MM-DD).")
        return None
    if first > last:
        problems.append(f"The range starts ({first}) after it ends ({last}).")
    elif last > today:
        problems.append(f"The range ends after today ({today}).")
    elif (last - first).days + 1 > MAX_DAYS:
        problems.append(f"A range is at most {MAX_DAYS} days.")
    elif first.year < 2000:
        problems.append("The range starts before 2000.")
    else:
        return DateRange(first, last)
    return None


def daily_totals(campaign: Campaign, ranges: list[DateRange]) -> dict[date, dict]:
    """Each day's DailyMetric sums over the campaign's ad groups, for all `ranges` in
    one query."""
    within = Q()
    for r in ranges:
        within |= Q(date__gte=r.first, date__lte=r.last)
    rows = (
        DailyMetric.objects.filter(campaign=campaign)
        .filter(within)
        .values("date")
        .order_by("date")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            conversion_value=Sum("conversion_value"),
            spend=Sum("spend"),
        )
    )
    return {row["date"]: row for row in rows}


@dataclass(frozen=True)
class BudgetLine:
    """The daily budget in force at the end of each day (account time). `known[i]` is
    False for the days before the first version Spectra has, where the budget is the one
    it first saw (a campaign synced in with weeks of history behind it)."""

    values: list[Decimal | None]
    known: list[bool]
    first_seen: datetime | None = None


def budget_by_day(campaign: Campaign, days: list[date], zone: ZoneInfo) -> BudgetLine:
    """The campaign's daily budget over `days`, from its versions."""
    if not days:
        return BudgetLine([], [])
    start = datetime.combine(days[0], time.min, zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, zone)
    # One query, newest first, read only as far back as the version in force at `start`.
    changes = []
    versions = campaign.history.order_by("-history_date", "-pk")
    for when, budget in (
        versions.filter(history_date__lt=end).values_list("history_date", "daily_budget")
    ).iterator(100):
        changes.append((when, budget))
        if when < start:
            break
    changes.reverse()
    if changes and changes[0][0] < start:
        return BudgetLine(_walk(changes, days, zone), [True] * len(days))
    # Spectra first saw the campaign inside the range, or after it: before that, the
    # budget it first saw, marked as such.
    first = (
        changes[0]
        if changes
        else versions.reverse().values_list("history_date", "daily_budget").first()
    )
    if first is None:
        return BudgetLine([None] * len(days), [False] * len(days))
    values = _walk([(start, first[1]), *changes], days, zone)
    known = [datetime.combine(d + timedelta(days=1), time.min, zone) > first[0] for d in days]
    return BudgetLine(values, known, first_seen=first[0])


def _walk(changes, days: list[date], zone: ZoneInfo) -> list[Decimal | None]:
    budgets, current, n = [], None, 0
    for day in days:
        day_end = datetime.combine(day + timedelta(days=1), time.min, zone)
        while n < len(changes) and changes[n][0] < day_end:
            current = changes[n][1]
            n += 1
        budgets.append(current)
    return budgets


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    compared: str  # the comparison period's figure, "" without one
    change: str  # "+12 %", "" when undefined
    verdict: str  # "better", "worse" or "neutral"


def kpi_tiles(current: dict, compared: dict | None, currency: str) -> list[Tile]:
    now, then = kpi_values(current), kpi_values(compared) if compared is not None else None
    tiles = []
    for kpi in KPIS:
        change, verdict = kpi_change(kpi, now[kpi.name], then[kpi.name]) if then else ("", "")
        tiles.append(
            Tile(
                kpi.label,
                write_kpi(kpi, now[kpi.name], currency),
                write_kpi(kpi, then[kpi.name], currency) if then else "",
                change,
                verdict or "neutral",
            )
        )
    return tiles


def _sum(daily: dict[date, dict], r: DateRange) -> dict:
    totals = {}
    for d in r.dates():
        for name, value in daily.get(d, {}).items():
            if name != "date":
                totals[name] = totals.get(name, 0) + value
    return totals


def _lag_band(lag: ConversionLag, days: list[date], today: date) -> Band | None:
    young = [i for i, d in enumerate(days) if lag.incomplete(d, today)]
    if not young:
        return None
    notes = []
    for i in range(young[0], young[-1] + 1):
        share = lag.share(days[i], today)
        notes.append(
            "today: conversions still arriving"
            if days[i] >= today
            else f"about {share:.0%} of its conversions in so far"
            if share is not None
            else "conversions still arriving (share not measured yet)"
        )
    return Band(young[0], young[-1], LAG_LABEL, notes)


def campaign_performance(campaign: Campaign, params, *, now=None) -> dict:
    """Template context for the performance section of `campaign`'s page."""
    account = campaign.account
    zone = ZoneInfo(account.time_zone)
    today = account_today(account, now)
    window, problems = performance_window(params, today)
    current, comparison = window.current, window.comparison
    daily = daily_totals(campaign, [current] + ([comparison] if comparison else []))
    days = current.dates()
    then_days = comparison.dates() if comparison else []
    currency = account.currency

    def series(name: str, on: list[date]) -> list[float | None]:
        return [float(daily[d][name]) if d in daily else None for d in on]

    def amount(v: float) -> str:
        return money(Decimal(str(round(v, 2))), currency, whole=True)

    labels = [_day(d) for d in days]
    lag = conversion_lag_of(account)
    band = _lag_band(lag, days, today)
    compared_name = COMPARISONS[window.compare]
    budgets = budget_by_day(campaign, days, zone)
    spend_lines = [Series("spend", series("spend", days))]
    conversion_lines = [Series("conversions", series("conversions", days), colour="#198754")]
    if comparison:
        spend_lines.append(_compared("spend", compared_name, series("spend", then_days), then_days))
        conversion_lines.append(
            _compared("conversions", compared_name, series("conversions", then_days), then_days)
        )
    spend_lines += _budget_series(budgets, zone)
    # The changelist's filters ride along, so "back to the list" still finds them.
    keep = [(name, params[name]) for name in ("_changelist_filters",) if params.get(name)]
    preset_links = [
        {
            "days": preset,
            "url": "?" + urlencode([*keep, ("days", preset), ("compare", window.compare)]),
            "selected": preset == window.preset,
        }
        for preset in PRESET_DAYS
    ]
    return {
        "has_data": any(d in daily for d in days),
        "window": window,
        "keep": keep,
        "preset_links": preset_links,
        "today": today,
        "problems": problems,
        "presets": PRESET_DAYS,
        "comparisons": COMPARISONS,
        "time_zone": account.time_zone,
        "tiles": kpi_tiles(
            _sum(daily, current), _sum(daily, comparison) if comparison else None, currency
        ),
        "compared_name": compared_name,
        "lag_days": (band.end - band.start + 1) if band else 0,
        "lag_reason": lag.reason,
        "spend_chart": line_chart(
            labels,
            spend_lines,
            title=f"Daily spend and budget ({currency})",
            limit=float(campaign.max_daily_spend) if campaign.max_daily_spend else None,
            limit_label="max daily spend",
            value_format=amount,
            band=band,
            width=900,
            height=200,
        ),
        "conversions_chart": line_chart(
            labels,
            conversion_lines,
            title="Daily conversions",
            value_format=_count,
            band=band,
            width=900,
            height=170,
        ),
    }


def _budget_series(budgets: BudgetLine, zone: ZoneInfo) -> list[Series]:
    """The budget as a step line: solid where its versions say it, dashed (and named so)
    over the days before Spectra first saw the campaign."""

    def part(keep: bool) -> list[float | None]:
        return [
            None if v is None or known != keep else float(v)
            for v, known in zip(budgets.values, budgets.known, strict=True)
        ]

    lines = []
    if any(budgets.known):
        lines.append(Series("daily budget", part(True), colour=BUDGET_COLOUR, step=True))
    if budgets.first_seen is not None and not all(budgets.known):
        seen = budgets.first_seen.astimezone(zone)
        lines.append(
            Series(
                f"daily budget as first synced ({_day(seen.date())})",
                part(False),
                colour=BUDGET_COLOUR,
                step=True,
                dashed=True,
            )
        )
    return lines


def _count(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


def _compared(name: str, period: str, values, days: list[date]) -> Series:
    return Series(
        f"{name}, {period}",
        values,
        colour=COMPARISON_COLOUR,
        dashed=True,
        point_labels=[_day(d) for d in days],
    )
