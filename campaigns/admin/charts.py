"""Small server-rendered SVG charts for admin pages (no JavaScript, no CDN).

The machines running Spectra may have no internet, and a chart a person
glances at needs no interactivity: each function returns one inline <svg>
with a <title> per point, so hovering shows the exact value.

Layout, top to bottom: the title, then the legend on rows of its own (it never
covers the title or the lines), the plot, and the x labels, which are kept
inside the drawing however close a date is to its edge.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#b35c00", "#6f42c1", "#dc3545", "#0f766e"]
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
# A generous average width of one 11 px system-ui character: room is reserved from it,
# so a label is never cut even where the real font runs a little wider than its average.
_CHAR_W = 6.6
_ROW = 16  # height of the title row and of each legend row
BAND_FILL = "#f5c518"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None = no data that day (a gap, not a zero)
    colour: str = ""
    # A value that holds from one day to the next (a budget) is drawn as steps: flat
    # across each day, changing where the value changed.
    step: bool = False
    dashed: bool = False
    # What each point's tooltip calls its day, where it differs from the x labels (a
    # comparison period drawn over the current one).
    point_labels: Sequence[str] | None = None


@dataclass(frozen=True)
class Band:
    """A shaded run of days from `start` to `end` (indexes into the labels, inclusive),
    named in the legend; `notes` (one per shaded day) are its days' tooltips."""

    start: int
    end: int
    label: str
    notes: Sequence[str] = ()


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _text_width(text: str) -> float:
    return len(text) * _CHAR_W


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × a power of ten) from at most `low` to at least
    `high`, about `count` of them."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(first + len(ticks) * step)
    return ticks


def _empty(width: int, height: int, text: str) -> SafeString:
    return mark_safe(
        f'<svg class="spectra-chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(text)}"><text x="8" y="{height // 2}" {_FONT} '
        f'fill="#6c757d">{escape(text)}</text></svg>'
    )


@dataclass(frozen=True)
class _Key:
    """One legend entry: a swatch (line, dashed line or shaded box) and its name."""

    name: str
    colour: str
    kind: str = "line"  # "line", "dashed" or "box"


def _legend_rows(keys: Sequence[_Key], width: int, left: int) -> list[list[tuple[float, _Key]]]:
    rows, row, x = [], [], float(left)
    for key in keys:
        needed = 18 + _text_width(key.name) + 14
        if row and x + needed > width:
            rows.append(row)
            row, x = [], float(left)
        row.append((x, key))
        x += needed
    if row:
        rows.append(row)
    return rows


def _legend(rows, top: float) -> list[str]:
    parts = []
    for r, row in enumerate(rows):
        y = top + r * _ROW
        for x, key in row:
            if key.kind == "box":
                swatch = (
                    f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="14" height="10" '
                    f'fill="{key.colour}" fill-opacity="0.25" stroke="{key.colour}"/>'
                )
            else:
                dash = ' stroke-dasharray="4 3"' if key.kind == "dashed" else ""
                swatch = (
                    f'<line x1="{x:.1f}" x2="{x + 14:.1f}" y1="{y - 3:.1f}" y2="{y - 3:.1f}" '
                    f'stroke="{key.colour}" stroke-width="2"{dash}/>'
                )
            parts.append(
                f'<g class="legend-entry">{swatch}<text x="{x + 18:.1f}" y="{y:.1f}" {_FONT}>'
                f"{escape(key.name)}</text></g>"
            )
    return parts


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 180,
    title: str = "",
    limit: float | None = None,
    limit_label: str = "limit",
    value_format: Callable[[float], str] | None = None,
    band: Band | None = None,
) -> SafeString:
    """One or more lines over shared x labels (dates), with an optional limit line.

    `value_format` writes the y axis and the tooltips (money in the account's format);
    `band` shades a run of days (the days still gathering conversions). `height` is the
    plot's share of the drawing; the title and legend rows are added on top of it.
    """
    points = [v for s in series for v in s.values if v is not None]
    if not labels or not points:
        return _empty(width, height, f"{title}: no data" if title else "No data")
    write = value_format or _fmt
    ticks = nice_ticks(min(0.0, min(points)), max(points + ([limit] if limit is not None else [])))
    bottom, top = ticks[0], ticks[-1]
    span = (top - bottom) or 1.0
    tick_text = [write(t) for t in ticks]
    left = int(max(_text_width(t) for t in tick_text)) + 10
    right = 10

    keys = []
    drawn = [(n, s, s.colour or PALETTE[n % len(PALETTE)]) for n, s in enumerate(series)]
    if len(series) > 1 or limit is not None or band is not None:
        keys = [_Key(s.name, colour, "dashed" if s.dashed else "line") for _, s, colour in drawn]
        if limit is not None:
            keys.append(_Key(limit_label, "#dc3545", "dashed"))
        if band is not None:
            keys.append(_Key(band.label, BAND_FILL, "box"))
    legend_rows = _legend_rows(keys, width - right, left)
    upper = (_ROW + 4 if title else 8) + len(legend_rows) * _ROW
    lower = 22
    height = height + upper - (18 if title else 8)
    plot_w, plot_h = width - left - right, height - upper - lower
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: float) -> float:
        return left + i * step

    def y(v: float) -> float:
        return upper + plot_h - (v - bottom) / span * plot_h

    parts = [
        f'<svg class="spectra-chart" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title or "chart")}" viewBox="0 0 {width} {height}">'
    ]
    if title:
        parts.append(f'<text x="{left}" y="12" {_FONT} font-weight="600">{escape(title)}</text>')
    parts += _legend(legend_rows, (_ROW + 4 if title else 8) + 10)
    if band is not None:
        x0 = max(x(band.start - 0.5), left)
        x1 = min(x(band.end + 0.5), width - right)
        parts.append(
            f'<rect class="chart-band" x="{x0:.1f}" y="{upper}" width="{x1 - x0:.1f}" '
            f'height="{plot_h}" fill="{BAND_FILL}" fill-opacity="0.18"><title>'
            f"{escape(band.label)}: {escape(labels[band.start])} – {escape(labels[band.end])}"
            f"</title></rect>"
        )
        for offset, note in enumerate(band.notes):
            i = band.start + offset
            if i > band.end:
                break
            parts.append(
                f'<rect x="{max(x(i - 0.5), left):.1f}" y="{upper}" '
                f'width="{min(x(i + 0.5), width - right) - max(x(i - 0.5), left):.1f}" '
                f'height="{plot_h}" fill="transparent"><title>{escape(labels[i])}: '
                f"{escape(note)}</title></rect>"
            )
    for value, text in zip(ticks, tick_text, strict=True):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e9ecef"/><text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'{_FONT} fill="#6c757d">{escape(text)}</text>'
        )
    parts += _x_labels(labels, x, width=width, y=height - 6)
    if limit is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
            f'stroke="#dc3545" stroke-dasharray="4 3"><title>{escape(limit_label)}: '
            f"{escape(write(limit))}</title></line>"
        )
    for _, s, colour in drawn:
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        for segment in _segments(s, x, y, step, left, width - right):
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                f'points="{" ".join(segment)}"/>'
            )
        days = s.point_labels or labels
        for i, v in enumerate(s.values):
            if v is None:
                continue
            hover = f"{escape(s.name)} {escape(days[i])}: {escape(write(v))}"
            if s.step:  # a step line's tooltip sits on its flat part, not a dot
                parts.append(
                    f'<rect x="{max(x(i - 0.5), left):.1f}" y="{y(v) - 4:.1f}" '
                    f'width="{step:.1f}" height="8" fill="transparent">'
                    f"<title>{hover}</title></rect>"
                )
            else:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{hover}</title></circle>"
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _segments(s: Series, x, y, step: float, left: float, right: float) -> list[list[str]]:
    """The polylines of a series: split at gaps; a step series flat across each day."""
    segments, current = [], []
    for i, v in enumerate(s.values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        elif s.step:
            x0, x1 = max(x(i - 0.5), left), min(x(i + 0.5), right)
            current += [f"{x0:.1f},{y(v):.1f}", f"{x1:.1f},{y(v):.1f}"]
        else:
            current.append(f"{x(i):.1f},{y(v):.1f}")
    if current:
        segments.append(current)
    return segments


def _x_labels(labels: Sequence[str], x, *, width: int, y: float) -> list[str]:
    """As many evenly spaced date labels as fit without touching, the first and the last
    always among them, each kept whole inside the drawing."""
    widest = max(_text_width(label) for label in labels) + 12
    room = x(len(labels) - 1) - x(0)
    fit = max(int(room // widest) + 1, 1)
    last = len(labels) - 1
    if last == 0:
        chosen = [0]
    else:
        stride = max(math.ceil(last / max(fit - 1, 1)), 1)
        chosen = list(range(0, last + 1, stride))
        if chosen[-1] != last:
            if x(last) - x(chosen[-1]) < widest:
                chosen.pop()
            chosen.append(last)
    parts = []
    for i in chosen:
        half = _text_width(labels[i]) / 2
        centre = min(max(x(i), half + 2), width - half - 2)
        parts.append(
            f'<text x="{centre:.1f}" y="{y}" text-anchor="middle" {_FONT} '
            f'fill="#6c757d">{escape(labels[i])}</text>'
        )
    return parts


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int = 420,
    bar_height: int = 18,
    title: str = "",
    colours: Sequence[str] | None = None,
    limits: Sequence[float | None] | None = None,
    value_format: Callable[[float], str] | None = None,
) -> SafeString:
    """Horizontal bars with their values; an optional per-bar limit mark (pacing)."""
    if not labels:
        return _empty(width, 40, f"{title}: nothing to show" if title else "Nothing to show")
    write = value_format or _fmt
    marks = [m for m in (limits or []) if m is not None]
    top = max(list(values) + marks + [0.0]) or 1.0
    value_w = max(70, int(max(_text_width(write(v)) for v in values)) + 8)
    label_w, upper = 150, 18 if title else 4
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
            f'fill="{colour}"><title>{escape(label)}: {escape(write(value))}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{row_y + bar_height - 5}" {_FONT}>'
            f"{escape(write(value))}</text>"
        )
        limit = limits[i] if limits else None
        if limit is not None:
            lx = label_w + limit / top * plot_w
            parts.append(
                f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{row_y - 2}" y2="{row_y + bar_height + 2}" '
                f'stroke="#dc3545" stroke-width="2"><title>limit {escape(write(limit))}</title>'
                "</line>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
