"""ReportLab drawings of the console's charts, from the same geometry as the SVG (`console/charts/
geometry.py`): the PDF shows the band edges, points and marks the page shows. ReportLab's y axis
grows upwards, so every y is flipped against the chart's height."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from console.charts.geometry import Gauge, TrendChart
from console.charts.svg import INK, MARKER, SHADES, THRESHOLD

# A4's width less the reports' 18 mm margins, in points.
FRAME_WIDTH = 595.27 - 2 * 18 * 72 / 25.4


def _font(bold: bool) -> str:
    return "Helvetica-Bold" if bold else "Helvetica"


def _common(drawing: Drawing, chart: Gauge | TrendChart) -> None:
    height = chart.height
    for rect in chart.bands:
        drawing.add(
            Rect(
                rect.x,
                height - rect.y - rect.height,
                rect.width,
                rect.height,
                fillColor=colors.HexColor(SHADES[min(rect.index, len(SHADES) - 1)]),
                strokeColor=colors.white,
                strokeWidth=1,
            )
        )
    for line in chart.lines:
        colour = {"marker": MARKER, "threshold": THRESHOLD}.get(line.kind, INK)
        drawing.add(
            Line(
                line.x1,
                height - line.y1,
                line.x2,
                height - line.y2,
                strokeColor=colors.HexColor(colour),
                strokeWidth=line.width,
                strokeDashArray=[4, 3] if line.dashed else None,
            )
        )


def _texts(drawing: Drawing, chart: Gauge | TrendChart) -> None:
    for text in chart.texts:
        drawing.add(
            String(
                text.x,
                chart.height - text.y,
                text.text,
                textAnchor=text.anchor,
                fontName=_font(text.bold),
                fontSize=text.size,
                fillColor=colors.HexColor(INK),
            )
        )


def gauge_drawing(chart: Gauge, width: float = FRAME_WIDTH) -> Drawing:
    drawing = Drawing(chart.width, chart.height)
    _common(drawing, chart)
    _texts(drawing, chart)
    return _fit(drawing, width)


def _fit(drawing: Drawing, width: float) -> Drawing:
    """Shrink a drawing to the page's text width (A4 less its margins), keeping its shape."""
    if drawing.width > width:
        factor = width / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = width, drawing.height * factor
    return drawing


def trend_drawing(chart: TrendChart, width: float = FRAME_WIDTH) -> Drawing:
    drawing = Drawing(chart.width, chart.height)
    _common(drawing, chart)
    for segment in chart.segments:
        flat = [value for x, y in segment for value in (x, chart.height - y)]
        drawing.add(PolyLine(flat, strokeColor=colors.HexColor(INK), strokeWidth=2))
    for point in chart.points:
        drawing.add(
            Circle(
                point.x,
                chart.height - point.y,
                4,
                fillColor=colors.HexColor(MARKER if point.marks else INK),
                strokeColor=None,
            )
        )
    _texts(drawing, chart)
    return _fit(drawing, width)
