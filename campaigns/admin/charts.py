"""Small server-rendered SVG charts for admin pages (no JavaScript, no CDN).

The machines running Spectra may have no internet, and a chart a person
glances at needs no interactivity: each function returns one inline <svg>
with a <title> per point, so hovering shows the exact value.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#b35c00", "#6f42c1", "#dc3545", "#0f766e"]
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None = no data that day (a gap, not a zero)
    colour: str = ""


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _empty(width: int, height: int, text: str) -> SafeString:
    return mark_safe(
        f'<svg class="spectra-chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(text)}"><text x="8" y="{height // 2}" {_FONT} '
        f'fill="#6c757d">{escape(text)}</text></svg>'
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 180,
    title: str = "",
    limit: float | None = None,
    limit_label: str = "limit",
) -> SafeString:
    """One or more lines over shared x labels (dates), with an optional limit line."""
    points = [v for s in series for v in s.values if v is not None]
    if not labels or not points:
        return _empty(width, height, f"{title}: no data" if title else "No data")
    top = max(points + ([limit] if limit is not None else []))
    bottom = min(0.0, min(points))
    span = (top - bottom) or 1.0
    left, right, upper, lower = 48, 8, 18 if title else 8, 22
    plot_w, plot_h = width - left - right, height - upper - lower
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return upper + plot_h - (v - bottom) / span * plot_h

    parts = [
        f'<svg class="spectra-chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title or "chart")}" viewBox="0 0 {width} {height}">'
    ]
    if title:
        parts.append(f'<text x="{left}" y="12" {_FONT} font-weight="600">{escape(title)}</text>')
    for v in (bottom, bottom + span / 2, top):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e9ecef"/><text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'{_FONT} fill="#6c757d">{_fmt(v)}</text>'
        )
    for i in sorted({0, len(labels) // 2, len(labels) - 1}):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="middle" {_FONT} '
            f'fill="#6c757d">{escape(labels[i])}</text>'
        )
    if limit is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
            f'stroke="#dc3545" stroke-dasharray="4 3"><title>{escape(limit_label)}: '
            f"{_fmt(limit)}</title></line>"
        )
    for n, s in enumerate(series):
        colour = s.colour or PALETTE[n % len(PALETTE)]
        segments, current = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(i):.1f},{y(v):.1f}")
        if current:
            segments.append(current)
        for segment in segments:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(segment)}"/>'
            )
        for i, v in enumerate(s.values):
            if v is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{escape(s.name)} {escape(labels[i])}: {_fmt(v)}</title></circle>"
                )
    if len(series) > 1:
        for n, s in enumerate(series):
            colour = s.colour or PALETTE[n % len(PALETTE)]
            lx = left + 8 + n * 120
            parts.append(
                f'<rect x="{lx}" y="{upper + 2}" width="10" height="3" fill="{colour}"/>'
                f'<text x="{lx + 14}" y="{upper + 7}" {_FONT}>{escape(s.name)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int = 420,
    bar_height: int = 18,
    title: str = "",
    colours: Sequence[str] | None = None,
    limits: Sequence[float | None] | None = None,
) -> SafeString:
    """Horizontal bars with their values; an optional per-bar limit mark (pacing)."""
    if not labels:
        return _empty(width, 40, f"{title}: nothing to show" if title else "Nothing to show")
    marks = [m for m in (limits or []) if m is not None]
    top = max(list(values) + marks + [0.0]) or 1.0
    label_w, value_w, upper = 150, 70, 18 if title else 4
    plot_w = width - label_w - value_w
    height = upper + len(labels) * (bar_height + 6) + 4
    parts = [
        f'<svg class="spectra-chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title or "chart")}" viewBox="0 0 {width} {height}">'
    ]
    if title:
        parts.append(f'<text x="0" y="12" {_FONT} font-weight="600">{escape(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        row_y = upper + i * (bar_height + 6)
        colour = (colours[i] if colours else None) or PALETTE[0]
        w = max(value, 0) / top * plot_w
        parts.append(
            f'<text x="{label_w - 6}" y="{row_y + bar_height - 5}" text-anchor="end" '
            f"{_FONT}>{escape(label[:24])}</text>"
            f'<rect x="{label_w}" y="{row_y}" width="{w:.1f}" height="{bar_height}" '
            f'fill="{colour}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{row_y + bar_height - 5}" {_FONT}>'
            f"{_fmt(value)}</text>"
        )
        limit = limits[i] if limits else None
        if limit is not None:
            lx = label_w + limit / top * plot_w
            parts.append(
                f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{row_y - 2}" y2="{row_y + bar_height + 2}" '
                f'stroke="#dc3545" stroke-width="2"><title>limit {_fmt(limit)}</title></line>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
