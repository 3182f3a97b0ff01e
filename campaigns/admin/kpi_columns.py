"""KPI columns (spend, conversions, CTR, CPC, CPA, ROAS) on the campaign and ad-group
lists, over a recent window a person picks in the sidebar (the last 7 complete days
unless they pick another).

The figures are annotations (campaigns.kpis), so a column sorts in the database and a
page of a hundred rows costs the same queries as a page of one. A row with no data in
the window reads "—" and sorts last either way.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.db.models import Case, DateField, F, OuterRef, Value, When
from django.utils import timezone

from campaigns.kpis import KPIS, Kpi, kpi_annotations, write_kpi

KPI_WINDOWS = (7, 14, 28, 90)
DEFAULT_KPI_DAYS = 7
KPI_PARAMETER = "kpi_days"


class NullsLast(F):
    """An ordering field whose empty values ("—") sort last, ascending or descending."""

    def asc(self, **kwargs):
        return super().asc(nulls_last=True)

    def desc(self, **kwargs):
        return super().desc(nulls_last=True)


def kpi_days_of(request) -> int:
    """The window asked for in the query string, or the default (bad input included)."""
    raw = request.GET.get(KPI_PARAMETER)
    return int(raw) if raw in {str(d) for d in KPI_WINDOWS} else DEFAULT_KPI_DAYS


class _KpiWindowFilter(SimpleListFilter):
    """Not a filter of rows: it chooses the days the KPI columns are summed over, and
    annotates them, so the window rides along with the list's other filters."""

    title = "KPI window"
    parameter_name = KPI_PARAMETER
    link = "campaign"  # DailyMetric's relation to the listed rows
    account_path = "account"  # the listed rows' relation to their account

    def lookups(self, request, model_admin):
        return [(str(d), f"Last {d} complete days") for d in KPI_WINDOWS]

    def choices(self, changelist):
        chosen = self.value() if self.value() in {str(d) for d in KPI_WINDOWS} else None
        for value, label in self.lookup_choices:
            yield {
                "selected": value == (chosen or str(DEFAULT_KPI_DAYS)),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() is not None and self.value() not in {str(d) for d in KPI_WINDOWS}:
            messages.warning(
                request,
                f"KPI window {self.value()!r} is not one of "
                f"{', '.join(map(str, KPI_WINDOWS))} days; showing the last "
                f"{DEFAULT_KPI_DAYS} complete days.",
            )
        return with_kpis(
            queryset,
            link=self.link,
            account_path=self.account_path,
            days=kpi_days_of(request),
        )


def kpi_window_filter(*, link: str, account_path: str) -> type[SimpleListFilter]:
    return type(
        "KpiWindowFilter", (_KpiWindowFilter,), {"link": link, "account_path": account_path}
    )


def with_kpis(queryset, *, link: str, account_path: str, days: int, now=None):
    """`queryset` annotated with kpi_<name> over the last `days` complete days, each row
    in its own account's time zone (yesterday there is the last complete day)."""
    now = now or timezone.now()
    zones = sorted(
        queryset.order_by().values_list(f"{account_path}__time_zone", flat=True).distinct()
    )
    windows = {}
    for zone in zones:
        last = now.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
        windows[zone] = (last - timedelta(days=days - 1), last)
    if len(windows) <= 1:
        first, last = next(iter(windows.values()), (now.date(), now.date()))
        return queryset.annotate(**kpi_annotations(link=link, first=first, last=last))
    by_zone = {
        f"kpi_{end}": Case(
            *(
                When(**{f"{account_path}__time_zone": zone}, then=Value(window[i]))
                for zone, window in windows.items()
            ),
            output_field=DateField(),
        )
        for i, end in enumerate(("first", "last"))
    }
    return queryset.annotate(**by_zone).annotate(
        **kpi_annotations(link=link, first=OuterRef("kpi_first"), last=OuterRef("kpi_last"))
    )


def _column(kpi: Kpi):
    @admin.display(description=kpi.header, ordering=NullsLast(f"kpi_{kpi.name}"))
    def column(self, obj):
        value = getattr(obj, f"kpi_{kpi.name}", None)
        return write_kpi(kpi, value, self.kpi_currency(obj), whole=True)

    column.__name__ = f"kpi_{kpi.name}_display"
    return column


class KpiColumnsMixin:
    """Adds the KPI columns' display methods; list them with `KPI_COLUMNS` and add the
    window filter (`kpi_window_filter`) to list_filter."""

    def kpi_currency(self, obj) -> str:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "subtitle": f"Spend, conversions, CTR, CPC, CPA and ROAS: the last "
            f"{kpi_days_of(request)} complete days, each in its account's time zone.",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)


for _kpi in KPIS:
    setattr(KpiColumnsMixin, f"kpi_{_kpi.name}_display", _column(_kpi))

KPI_COLUMNS = [f"kpi_{kpi.name}_display" for kpi in KPIS]
