"""The console's SVG charts: values a person can hover, gaps kept, names escaped."""

import itertools
import re

from campaigns.admin.charts import Band, Series, bar_chart, line_chart, nice_ticks


def test_a_line_chart_draws_one_point_per_value_and_the_limit():
    svg = line_chart(["1 Nov", "2 Nov", "3 Nov"], [Series("spend", [10, 20, 30])], limit=25)

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 3
    assert "spend 3 Nov: 30.0" in svg
    assert "limit: 25.0" in svg


def test_a_missing_day_is_a_gap_not_a_zero():
    svg = line_chart(["a", "b", "c", "d"], [Series("clicks", [1, None, 3, 4])])

    assert svg.count("<polyline") == 2  # split at the missing day
    assert svg.count("<circle") == 3


def test_no_data_says_so():
    assert "no data" in line_chart([], [Series("x", [])], title="Spend")


def test_names_are_escaped():
    svg = bar_chart(["<script>"], [1.0], title="<b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_bar_chart_marks_each_limit():
    svg = bar_chart(["a", "b"], [50.0, 120.0], limits=[100.0, None])
    assert svg.count("<rect") == 2
    assert svg.count("limit 100.0") == 1


def _legend_y(svg: str) -> list[float]:
    return [
        float(y) for y in re.findall(r'class="legend-entry">.*?<text x="[\d.]+" y="([\d.]+)"', svg)
    ]


def test_the_legend_has_a_row_of_its_own_under_the_title():
    svg = line_chart(
        [f"{d} Nov" for d in range(1, 31)],
        [Series("spend", [100.0] * 30), Series("budget", [120.0] * 30, step=True)],
        title="Daily spend and budget",
        limit=150,
        band=Band(27, 29, "conversions still arriving"),
    )

    title_y = float(re.search(r'<text x="\d+" y="(\d+)"[^>]*font-weight="600"', svg).group(1))
    plot_top = float(re.search(r'class="chart-band" x="[\d.]+" y="([\d.]+)"', svg).group(1))
    rows = _legend_y(svg)
    assert len(rows) == 4  # spend, budget, the limit, the band
    assert all(title_y + 10 <= y <= plot_top for y in rows)


def test_a_long_legend_wraps_instead_of_running_off_the_chart():
    names = [f"a rather long series name {n}" for n in range(6)]
    svg = line_chart(["a", "b"], [Series(name, [1.0, 2.0]) for name in names], width=400)

    assert len(set(_legend_y(svg))) > 1
    for x, text in re.findall(r'class="legend-entry">.*?<text x="([\d.]+)"[^>]*>([^<]*)<', svg):
        assert float(x) + len(text) * 6.6 <= 400


def test_no_date_label_is_cut_at_either_edge():
    labels = [f"{d} Dec" for d in range(1, 36)]
    svg = line_chart(labels, [Series("spend", [1.0] * 35)], width=640)

    drawn = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"[^>]*>([^<]*)<', svg)
    assert drawn[0][1] == "1 Dec" and drawn[-1][1] == "35 Dec"
    for x, text in drawn:
        half = len(text) * 6.6 / 2
        assert float(x) - half >= 0 and float(x) + half <= 640
    centres = [float(x) for x, _ in drawn]
    assert all(b - a >= len("35 Dec") * 6.6 for a, b in itertools.pairwise(centres))


def test_the_y_axis_and_tooltips_use_the_given_format():
    svg = line_chart(
        ["1 Nov", "2 Nov"],
        [Series("spend", [4200.0, 6100.0])],
        value_format=lambda v: f"₹{v:,.0f}",
    )

    assert ">₹7,500</text>" in svg and ">₹0</text>" in svg  # round ticks, money
    assert "spend 2 Nov: ₹6,100" in svg


def test_a_step_series_is_flat_across_each_day_and_steps_between():
    svg = line_chart(["a", "b", "c"], [Series("budget", [10.0, 10.0, 20.0], step=True)])

    points = re.search(r'<polyline[^>]*points="([^"]+)"', svg).group(1).split()
    ys = [p.split(",")[1] for p in points]
    assert len(points) == 6 and ys[0] == ys[3] != ys[4] == ys[5]
    assert "<circle" not in svg  # a budget is a line to read against, not points
    assert "budget c: 20.0" in svg


def test_a_band_shades_its_days_with_a_note_each():
    svg = line_chart(
        ["a", "b", "c", "d"],
        [Series("conversions", [5.0, 5.0, 3.0, 1.0])],
        band=Band(2, 3, "conversions still arriving", ["70 % in", "40 % in"]),
    )

    assert svg.count('class="chart-band"') == 1
    assert "c: 70 % in" in svg and "d: 40 % in" in svg
    assert ">conversions still arriving</text>" in svg


def test_nice_ticks_cover_the_values_with_round_steps():
    assert nice_ticks(0, 6500) == [0, 2500, 5000, 7500]
    assert nice_ticks(0, 61_000) == [0, 25_000, 50_000, 75_000]
    assert nice_ticks(0, 7.2) == [0, 2.5, 5.0, 7.5]
