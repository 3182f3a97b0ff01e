"""The console's SVG charts: values a person can hover, gaps kept, names escaped."""

from campaigns.admin.charts import Series, bar_chart, line_chart


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
