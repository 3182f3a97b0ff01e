"""Judging platform rows before they touch the database (pure functions).

Each `clean_*` returns the values to store, or raises BadRow with a specific
reason. Platforms send numbers as JSON numbers or as strings (Google's int64
fields are strings), so both are accepted; NaN, infinities, booleans,
negatives and values beyond any plausible size are not.
"""

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_MONEY = Decimal("999999999999.99")  # fits DecimalField(14, 2) and beyond any real budget
MAX_COUNT = 10**15


class BadRow(ValueError):
    """A platform row Spectra will not store; the message says why."""


def _text(record: dict, name: str, label: str) -> str:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadRow(f"missing field '{label}'")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise BadRow(f"'{label}' must be text, got {type(value).__name__} {value!r}")
    return str(value).strip()


def _decimal(
    record: dict,
    name: str,
    label: str,
    *,
    places: str = "0.01",
    maximum: Decimal = MAX_MONEY,
    required: bool = True,
) -> Decimal | None:
    value = record.get(name)
    if value is None:
        if required:
            raise BadRow(f"missing field '{label}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadRow(f"'{label}' must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRow(f"'{label}' is {value!r}, not a finite number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise BadRow(f"'{label}' is {value!r}, not a number") from None
    if not number.is_finite():
        raise BadRow(f"'{label}' is {value!r}, not a finite number")
    if number < 0:
        raise BadRow(f"'{label}' is negative ({value})")
    if number > maximum:
        raise BadRow(f"'{label}' is {value}, beyond any plausible value (max {maximum})")
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _count(record: dict, name: str, label: str) -> int:
    number = _decimal(record, name, label, places="1", maximum=Decimal(MAX_COUNT))
    raw = record.get(name)
    if isinstance(raw, float) and not raw.is_integer():
        raise BadRow(f"'{label}' must be a whole number, got {raw!r}")
    return int(number)


def _choice(record: dict, name: str, label: str, allowed: set[str]) -> str:
    value = record.get(name)
    if value not in allowed:
        raise BadRow(f"'{label}' is {value!r}, expected one of {sorted(allowed)}")
    return value


def _an_object(record: dict) -> None:
    raw = record.get("raw", {})
    if not isinstance(raw, dict):
        raise BadRow(f"the item is {raw!r:.80}, not a JSON object")


def clean_campaign(record: dict, *, currency: str) -> dict:
    _an_object(record)
    values = {
        "external_id": _text(record, "external_id", "id"),
        "name": _text(record, "name", "name"),
        "status": _choice(record, "status", "status", {"active", "paused"}),
        "daily_budget": _decimal(record, "daily_budget", "budget"),
    }
    if record.get("currency") not in (None, currency):
        raise BadRow(f"currency {record.get('currency')!r} differs from the account's {currency}")
    return values


def clean_ad_group(record: dict) -> dict:
    _an_object(record)
    values = {
        "external_id": _text(record, "external_id", "id"),
        "campaign_external_id": _text(record, "campaign_external_id", "campaignId"),
        "name": _text(record, "name", "name"),
        "status": _choice(record, "status", "status", {"active", "paused"}),
        "bid": _decimal(record, "bid", "averageBid"),
        "quality_score": None,
    }
    score = _decimal(
        record, "quality_score", "qualityScore", places="1", maximum=Decimal(10), required=False
    )
    if score is not None:
        if score < 1:
            raise BadRow(f"'qualityScore' is {record.get('quality_score')}, expected 1–10")
        values["quality_score"] = int(score)
    return values


def clean_audience(record: dict) -> dict:
    _an_object(record)
    return {
        "external_id": _text(record, "external_id", "id"),
        "name": _text(record, "name", "name"),
        "status": _choice(record, "status", "status", {"active", "suppressed"}),
        "intent_score": _decimal(record, "intent_score", "intentScore", maximum=Decimal(100)),
        "fatigue_score": _decimal(record, "fatigue_score", "fatigueScore", maximum=Decimal(100)),
        "estimated_profiles": _count(record, "estimated_profiles", "estimatedProfiles"),
    }


def clean_metric(record: dict, *, date_from: date, date_to: date) -> dict:
    _an_object(record)
    raw_date = _text(record, "date", "date")
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise BadRow(f"'date' is {raw_date!r}, not a YYYY-MM-DD date") from None
    if not date_from <= day <= date_to:
        raise BadRow(f"date {day} is outside the requested window {date_from}…{date_to}")
    values = {
        "date": day,
        "ad_group_external_id": _text(record, "ad_group_external_id", "adGroupId"),
        "campaign_external_id": record.get("campaign_external_id"),
        "impressions": _count(record, "impressions", "impressions"),
        "clicks": _count(record, "clicks", "clicks"),
        "conversions": _decimal(record, "conversions", "conversions"),
        "conversion_value": _decimal(record, "conversion_value", "conversionValue"),
        "spend": _decimal(record, "spend", "spend"),
    }
    if values["clicks"] > values["impressions"]:
        raise BadRow(f"clicks ({values['clicks']}) exceed impressions ({values['impressions']})")
    return values
