"""The charts' geometry: where the score, the bands and the change marks land."""

import re
from decimal import Decimal

import pytest

from console.charts import BandSpec, ScaleSpec, TrendPointSpec, gauge, gauge_svg, trend, trend_svg
from console.charts.geometry import (
    GAUGE_LEFT,
    GAUGE_RIGHT,
    PLOT_BOTTOM,
    PLOT_TOP,
    band_edges,
    band_of,
    legend,
)

PHQ9 = ScaleSpec(
    id="total",
    title="PHQ-9 total",
    min=0,
    max=27,
    bands=(
        BandSpec("minimal", "Minimal", 0, 4),
        BandSpec("mild", "Mild", 5, 9),
        BandSpec("moderate", "Moderate", 10, 14),
        BandSpec("mod-severe", "Moderately severe", 15, 19),
        BandSpec("severe", "Severe", 20, 27),
    ),
    reliable_change_points=6,
    remission=("<", 5),
)
WIDTH = GAUGE_RIGHT - GAUGE_LEFT


def test_the_gauge_marker_sits_at_the_scores_share_of_the_range():
    chart = gauge(PHQ9, 9)
    assert chart.marker_x == pytest.approx(GAUGE_LEFT + WIDTH * 9 / 27, abs=0.01)


def test_a_band_boundary_is_drawn_half_way_between_two_bands_so_a_score_of_9_is_inside_mild():
    edges = band_edges(PHQ9)
    assert edges[1] == (4.5, 9.5)
    chart = gauge(PHQ9, 9)
    mild = chart.bands[1]
    assert mild.label == "Mild"
    assert mild.x < chart.marker_x < mild.x + mild.width
    assert band_of(PHQ9, 9).label == "Mild"
    assert band_of(PHQ9, 10).label == "Moderate"


def test_the_gauge_draws_one_rectangle_per_band_covering_the_whole_range():
    chart = gauge(PHQ9, 0)
    assert [r.label for r in chart.bands] == [b.label for b in PHQ9.bands]
    assert chart.bands[0].x == GAUGE_LEFT
    last = chart.bands[-1]
    assert last.x + last.width == pytest.approx(GAUGE_RIGHT, abs=0.02)
    for left, right in zip(chart.bands, chart.bands[1:], strict=False):
        assert left.x + left.width == pytest.approx(right.x, abs=0.02)


def test_the_severe_band_is_wider_than_the_mild_band_as_its_range_is():
    chart = gauge(PHQ9, 3)
    assert chart.bands[4].width == pytest.approx(WIDTH * 7.5 / 27, abs=0.02)
    assert chart.bands[1].width == pytest.approx(WIDTH * 5 / 27, abs=0.02)


def test_an_unscored_scale_has_no_marker_and_says_not_scored():
    chart = gauge(PHQ9, None)
    assert chart.marker_x is None
    assert "not scored" in chart.description
    assert 'class="marker"' not in gauge_svg(chart)


def test_the_gauge_svg_places_the_marker_line_and_the_score_text_at_the_computed_x():
    svg = gauge_svg(gauge(PHQ9, 18))
    x = GAUGE_LEFT + WIDTH * 18 / 27
    line = re.search(r'<line x1="([\d.]+)"[^>]*class="marker"', svg)
    assert float(line.group(1)) == pytest.approx(x, abs=0.01)
    assert re.search(rf'<text x="{float(line.group(1)):g}"[^>]*>18</text>', svg)


def test_the_gauge_svg_is_an_accessible_image_naming_the_score_and_band():
    svg = gauge_svg(gauge(PHQ9, 12))
    assert 'role="img"' in svg
    title = re.search(r"<title id=\"(chart-\d+)-t\">([^<]*)</title>", svg)
    assert title.group(2) == "PHQ-9 total: 12 (Moderate)"
    assert f'aria-labelledby="{title.group(1)}-t {title.group(1)}-d"' in svg
    assert re.search(
        r"<desc [^>]*>PHQ-9 total: 12 on a range of 0 to 27, in the band Moderate", svg
    )


def test_labels_from_a_definition_are_escaped_in_the_svg():
    spec = ScaleSpec("s", 'Scale <b>"x"</b>', 0, 4, (BandSpec("a", "<script>x</script>", 0, 4),))
    svg = gauge_svg(gauge(spec, 2))
    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "<b>" not in svg


def test_a_not_validated_scale_says_so_in_its_description():
    spec = ScaleSpec(
        "t",
        "HISI total",
        0,
        144,
        (BandSpec("a", "Minimal (provisional)", 0, 35),),
        bands_provisional=True,
        validated=False,
    )
    chart = gauge(spec, 20)
    assert "provisional bands" in chart.description
    assert "not validated" in chart.description


def test_a_fractional_score_is_shown_with_its_decimals():
    chart = gauge(PHQ9, Decimal("10.13"))
    assert chart.title == "PHQ-9 total: 10.13 (Moderate)"


POINTS = [
    TrendPointSpec("2026-01-05", 18, "Moderately severe"),
    TrendPointSpec("2026-02-05", 11, "Moderate", reliable_change="improved"),
    TrendPointSpec("2026-03-05", 4, "Minimal", reliable_change="improved", remission=True),
]


def test_trend_points_are_placed_by_score_on_the_vertical_axis():
    chart = trend(PHQ9, POINTS)
    span = PLOT_BOTTOM - PLOT_TOP
    ys = [p.y for p in chart.points]
    assert ys == pytest.approx([PLOT_BOTTOM - span * s / 27 for s in (18, 11, 4)], abs=0.01)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.01)


def test_reliable_change_and_remission_are_marked_where_they_were_reached():
    chart = trend(PHQ9, POINTS)
    assert [p.marks for p in chart.points] == [(), ("improved",), ("improved", "remission")]
    svg = trend_svg(chart)
    assert svg.count('data-marks="improved"') == 1
    assert svg.count('data-marks="improved remission"') == 1
    assert ">RI Rem</text>" in svg
    assert legend(chart) == [
        "RI: reliable improvement since the first screening",
        "Rem: remission",
    ]
    assert "2026-03-05: 4 (Minimal), reliable improvement since the first screening, remission" in (
        chart.description
    )


def test_no_reliable_change_leaves_the_point_unmarked():
    chart = trend(
        PHQ9, [TrendPointSpec("a", 18), TrendPointSpec("b", 15, None, "no_reliable_change")]
    )
    assert [p.marks for p in chart.points] == [(), ()]
    assert legend(chart) == []


def test_the_bands_are_shaded_across_the_plot_from_their_edges():
    chart = trend(PHQ9, POINTS)
    span = PLOT_BOTTOM - PLOT_TOP
    mild = chart.bands[1]
    assert mild.label == "Mild"
    assert mild.y == pytest.approx(PLOT_BOTTOM - span * 9.5 / 27, abs=0.02)
    assert mild.height == pytest.approx(span * 5 / 27, abs=0.02)


def test_the_reliable_change_threshold_is_drawn_around_the_first_score_and_remission_below_5():
    chart = trend(PHQ9, POINTS)
    span = PLOT_BOTTOM - PLOT_TOP
    dashed = sorted(line.y1 for line in chart.lines if line.dashed)
    expected = sorted(PLOT_BOTTOM - span * v / 27 for v in (5, 12, 24))
    assert dashed == pytest.approx(expected, abs=0.02)


def test_an_unscored_administration_breaks_the_trend_line():
    chart = trend(PHQ9, [TrendPointSpec("a", 3), TrendPointSpec("b", None), TrendPointSpec("c", 8)])
    assert len(chart.points) == 2
    assert [len(s) for s in chart.segments] == [1, 1]
    assert "b: not scored" in chart.description
