"""The search-terms report read into SearchTermDay rows (Google Ads; an idempotent upsert).

Google's `search_term_view` gives, per day and ad group, what people typed when an ad
showed. Adobe Advertising's contract (seed 000) has no search-terms report, so Adobe
accounts have none. Rows that make no sense are quarantined with the reason; the rest
are upserted in batches (a constant number of queries per batch, never per row).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from campaigns.models import QuarantineKind, SearchTermDay
from executors.clients.google_ads import from_micros

BATCH = 5000
UPDATED = ("status", "impressions", "clicks", "cost", "conversions", "conversion_value")
CENT, TEN_THOUSANDTH = Decimal("0.01"), Decimal("0.0001")
MAX_TEXT = SearchTermDay._meta.get_field("text").max_length


def search_terms_query(date_from: date, date_to: date) -> str:
    return (
        "SELECT search_term_view.search_term, search_term_view.status, campaign.id, "
        "ad_group.id, segments.date, metrics.impressions, metrics.clicks, "
        "metrics.cost_micros, metrics.conversions, metrics.conversions_value "
        "FROM search_term_view WHERE segments.date BETWEEN "
        f"'{date_from.isoformat()}' AND '{date_to.isoformat()}'"
    )


class BadTerm(ValueError):
    pass


def _count(value) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise BadTerm(f"not a whole number: {value!r}") from None
    if number < 0:
        raise BadTerm(f"negative count {number}")
    return number


def _amount(value, step: Decimal) -> Decimal:
    try:
        number = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise BadTerm(f"not a number: {value!r}") from None
    if not number.is_finite() or number < 0 or number > Decimal("1e11"):
        raise BadTerm(f"out of range: {value!r}")
    return number.quantize(step)


def clean_search_term(raw: dict, date_from: date, date_to: date) -> dict:
    view, metrics = raw.get("searchTermView") or {}, raw.get("metrics") or {}
    text = view.get("searchTerm")
    if not isinstance(text, str) or not text.strip():
        raise BadTerm("search term without text")
    if len(text) > MAX_TEXT:
        raise BadTerm(f"search term longer than {MAX_TEXT} characters")
    try:
        day = date.fromisoformat((raw.get("segments") or {}).get("date") or "")
    except (TypeError, ValueError):
        raise BadTerm("search term row without a valid segments.date") from None
    if not date_from <= day <= date_to:
        raise BadTerm(f"date {day} outside the window {date_from}–{date_to}")
    clicks, impressions = _count(metrics.get("clicks", 0)), _count(metrics.get("impressions", 0))
    cost = from_micros(metrics.get("costMicros", "0"))
    return {
        "text": text.strip(),
        "date": day,
        "status": str(view.get("status") or "NONE")[:16],
        "ad_group_external_id": str((raw.get("adGroup") or {}).get("id")),
        "clicks": clicks,
        "impressions": max(impressions, clicks),
        "cost": _amount(cost, CENT),
        "conversions": _amount(metrics.get("conversions"), TEN_THOUSANDTH),
        "conversion_value": _amount(metrics.get("conversionsValue"), CENT),
    }


def sync_search_terms(*, account, client, ad_groups: dict, date_from, date_to, quarantine) -> int:
    """Upsert the account's search terms for a window; returns how many rows were read."""
    now, batch, read = timezone.now(), [], 0
    seen: set[tuple] = set()
    for raw in client.search(search_terms_query(date_from, date_to)):
        try:
            values = clean_search_term(raw, date_from, date_to)
        except BadTerm as exc:
            quarantine.add(QuarantineKind.METRIC, raw, f"search term: {exc}")
            continue
        group = ad_groups.get(values.pop("ad_group_external_id"))
        if group is None:
            quarantine.add(QuarantineKind.METRIC, raw, "search term of an unknown ad group")
            continue
        key = (group.pk, values["text"], values["date"])
        if key in seen:
            continue  # Google sends one row per key; a repeat adds nothing
        seen.add(key)
        read += 1
        batch.append(
            SearchTermDay(
                account=account,
                campaign_id=group.campaign_id,
                ad_group=group,
                synced_at=now,
                **values,
            )
        )
        if len(batch) >= BATCH:
            _upsert(batch)
            batch = []
    _upsert(batch)
    return read


def _upsert(rows: list[SearchTermDay]) -> None:
    if rows:
        SearchTermDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["ad_group", "text", "date"],
            update_fields=[*UPDATED, "synced_at"],
        )
