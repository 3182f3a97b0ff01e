"""How money, states and JSON look on admin pages."""

import json
from decimal import Decimal

from django.utils.html import format_html

CURRENCY_SYMBOLS = {"INR": "₹"}

CAMPAIGN_STATUS_COLOURS = {
    "draft": "#6c757d",
    "generating_assets": "#6f42c1",
    "pending_deployment": "#6f42c1",
    "deploying": "#0d6efd",
    "active": "#198754",
    "optimizing": "#0d6efd",
    "paused": "#b35c00",
    "failed": "#dc3545",
    "archived": "#495057",
}
RECOMMENDATION_STATUS_COLOURS = {
    "proposed": "#0d6efd",
    "approved": "#0f766e",
    "rejected": "#6c757d",
    "expired": "#6c757d",
    "executing": "#6f42c1",
    "executed": "#198754",
    "failed": "#dc3545",
    "blocked": "#b35c00",
    "simulated": "#5b6abf",
    "rolled_back": "#495057",
}
RUN_STATUS_COLOURS = {"running": "#0d6efd", "succeeded": "#198754", "failed": "#dc3545"}
SEVERITY_COLOURS = {"info": "#0d6efd", "warning": "#b35c00", "critical": "#dc3545"}
EXECUTION_MODE_COLOURS = {"read_only": "#6c757d", "dry_run": "#5b6abf", "live": "#dc3545"}


def money(value: Decimal | None, currency: str) -> str:
    """₹5,000.00 for rupees, 'USD 5,000.00' for any other currency; '—' for no value."""
    if value is None:
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency)
    amount = f"{value:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{currency} {amount}"


def value_change(current: Decimal | None, proposed: Decimal | None, currency: str) -> str:
    """'₹5,000.00 → ₹6,000.00 (+20.0 %)'; the percentage only when it is defined."""
    text = f"{money(current, currency)} → {money(proposed, currency)}"
    if current not in (None, 0) and proposed is not None:
        pct = (proposed - current) / current * 100
        text += f" ({pct:+.1f} %)"
    return text


def badge(label: str, colour: str):
    return format_html(
        '<span style="background:{};color:#fff;padding:2px 8px;border-radius:10px;'
        'white-space:nowrap;font-size:11px">{}</span>',
        colour,
        label,
    )


def status_badge(obj, colours: dict[str, str], field: str = "status"):
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return badge(label, colours.get(value, "#6c757d"))


def pretty_json(data):
    """A JSON value, indented and escaped, in a <pre> block."""
    if data in (None, "", {}, []):
        return "—"
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return format_html('<pre style="white-space:pre-wrap;margin:0">{}</pre>', text)
