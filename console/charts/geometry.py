"""Chart geometry: where every band, point and marker goes, in plain numbers.

One source of geometry for both renderers: `svg.py` turns it into markup for the console's pages
and `console/reports/drawing.py` into ReportLab shapes for the PDF reports, so a gauge on screen
and on paper cannot disagree. Nothing here imports Django or knows about either output.

Coordinates are in points with the origin at the top left and y growing downwards (SVG's
convention); the PDF renderer flips y.

Band edges: bands are published as inclusive ranges of whole scores (PHQ-9 "Mild" 5-9), so the
edge between two bands is drawn half-way between one band's max and the next one's min (9.5): a
score of 9 then sits inside "Mild", never on a line that could be read as the next band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | float | Decimal

IMPROVED = "improved"
DETERIORATED = "deteriorated"

# Short marks drawn beside a point, and what they mean (the legend under every trend chart and
# the chart's <desc> say it in words: colour alone never carries the meaning).
MARK_TEXT = {
    IMPROVED: "RI",
    DETERIORATED: "RD",
    "remission": "Rem",
}
MARK_MEANING = {
    IMPROVED: "reliable improvement since the first screening",
    DETERIORATED: "reliable deterioration since the first screening",
    "remission": "remission",
}


@dataclass(frozen=True)
class BandSpec:
    code: str
    label: str
    min: Number
    max: Number
    interpretation: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ScaleSpec:
    """What a chart needs to know about one scale (no scores)."""

    id: str
    title: str
    min: Number
    max: Number
    bands: tuple[BandSpec, ...] = ()
    bands_provisional: bool = False
    validated: bool = True
    # Change criteria, when the scale declares them: the reliable-change threshold in points,
    # and the remission criterion as (op, value), e.g. ("<", 5).
    reliable_change_points: Number | None = None
    remission: tuple[str, Number] | None = None


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    label: str
    index: int  # band index: the renderers pick the shade from it


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # start | middle | end
    size: float = 10
    bold: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    dashed: bool = False
    width: float = 1
    kind: str = "axis"  # axis | marker | threshold | trend


@dataclass
class Gauge:
    width: float
    height: float
    title: str
    description: str
    bands: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    marker_x: float | None = None
    marker_y: float | None = None


@dataclass(frozen=True)
class TrendPointSpec:
    """One administration of the scale: a score (None when not scored) and its marks."""

    label: str  # the date, as shown under the axis
    score: Number | None
    band: str | None = None
    reliable_change: str | None = None  # improved | deteriorated | anything else: no mark
    remission: bool | None = None


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: Number
    label: str
    marks: tuple[str, ...] = ()


@dataclass
class TrendChart:
    width: float
    height: float
    title: str
    description: str
    bands: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    # Consecutive scored points joined by the trend line; an unscored administration breaks it.
    segments: list[list[tuple[float, float]]] = field(default_factory=list)


def fmt(value: Number | None) -> str:
    """A score as a clinician reads it: whole numbers without a decimal point."""
    if value is None:
        return "not scored"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.01')).normalize():f}"


def band_edges(spec: ScaleSpec) -> list[tuple[float, float]]:
    """Each band's drawn (low, high) score edges: half-way between neighbouring bands."""
    bands = spec.bands
    edges = []
    for index, band in enumerate(bands):
        low = float(band.min) if index == 0 else (float(bands[index - 1].max) + float(band.min)) / 2
        high = (
            float(band.max)
            if index == len(bands) - 1
            else (float(band.max) + float(bands[index + 1].min)) / 2
        )
        edges.append((max(low, float(spec.min)), min(high, float(spec.max))))
    return edges


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    if high == low:
        return start
    share = (min(max(value, low), high) - low) / (high - low)
    return round(start + share * (end - start), 2)


def band_of(spec: ScaleSpec, score: Number | None) -> BandSpec | None:
    if score is None:
        return None
    value = float(score)
    for band, (low, high) in zip(spec.bands, band_edges(spec), strict=True):
        if low <= value <= high:
            return band
    return None


# Gauge layout (points).
GAUGE_WIDTH = 480.0
GAUGE_LEFT = 16.0
GAUGE_RIGHT = GAUGE_WIDTH - 16.0
GAUGE_TRACK_TOP = 26.0
GAUGE_TRACK_HEIGHT = 22.0


def gauge(spec: ScaleSpec, score: Number | None) -> Gauge:
    """One score on its scale's bands: a shaded track, one rectangle per band (labels below it,
    alternating two rows so narrow bands do not overprint), the range at both ends, and a marker
    at the score with the score above it."""
    track_bottom = GAUGE_TRACK_TOP + GAUGE_TRACK_HEIGHT
    low, high = float(spec.min), float(spec.max)
    x_of = lambda value: _scale(value, low, high, GAUGE_LEFT, GAUGE_RIGHT)  # noqa: E731
    band = band_of(spec, score)
    words = f"{spec.title}: {fmt(score)} on a range of {fmt(spec.min)} to {fmt(spec.max)}"
    if band is not None:
        words += f", in the band {band.label}"
    if spec.bands_provisional:
        words += " (provisional bands)"
    if not spec.validated:
        words += "; this instrument is not validated"
    parts = [f"{b.label} {fmt(b.min)} to {fmt(b.max)}" for b in spec.bands]
    description = words + (". Bands: " + "; ".join(parts) + "." if parts else ". No bands.")
    rows = 2 if len(spec.bands) > 3 else 1
    chart = Gauge(
        width=GAUGE_WIDTH,
        height=track_bottom + 14 + 12 * rows + 4,
        title=f"{spec.title}: {fmt(score)}" + (f" ({band.label})" if band else ""),
        description=description,
    )
    for index, (item, (start, end)) in enumerate(zip(spec.bands, band_edges(spec), strict=True)):
        x1, x2 = x_of(start), x_of(end)
        chart.bands.append(
            Rect(x1, GAUGE_TRACK_TOP, round(x2 - x1, 2), GAUGE_TRACK_HEIGHT, item.label, index)
        )
        row = index % rows
        chart.texts.append(
            Text(round((x1 + x2) / 2, 2), track_bottom + 12 + 12 * row, item.label, size=9)
        )
    if not spec.bands:
        chart.lines.append(Line(GAUGE_LEFT, track_bottom, GAUGE_RIGHT, track_bottom, kind="axis"))
    chart.texts.append(Text(GAUGE_LEFT, GAUGE_TRACK_TOP - 4, fmt(spec.min), anchor="start", size=9))
    chart.texts.append(Text(GAUGE_RIGHT, GAUGE_TRACK_TOP - 4, fmt(spec.max), anchor="end", size=9))
    if score is not None:
        x = x_of(float(score))
        chart.marker_x, chart.marker_y = x, GAUGE_TRACK_TOP + GAUGE_TRACK_HEIGHT / 2
        chart.lines.append(
            Line(x, GAUGE_TRACK_TOP - 2, x, track_bottom + 2, width=3, kind="marker")
        )
        chart.texts.append(Text(x, GAUGE_TRACK_TOP - 8, fmt(score), size=12, bold=True))
    return chart


# Trend layout (points).
TREND_WIDTH = 560.0
TREND_HEIGHT = 240.0
PLOT_LEFT = 44.0
PLOT_RIGHT = TREND_WIDTH - 110.0  # band labels sit to the right of the plot
PLOT_TOP = 20.0
PLOT_BOTTOM = TREND_HEIGHT - 40.0


def _marks(point: TrendPointSpec) -> tuple[str, ...]:
    marks = []
    if point.reliable_change in (IMPROVED, DETERIORATED):
        marks.append(point.reliable_change)
    if point.remission:
        marks.append("remission")
    return tuple(marks)


def trend(spec: ScaleSpec, points: Sequence[TrendPointSpec]) -> TrendChart:
    """A scale's scores across administrations, oldest on the left, evenly spaced (one slot per
    administration: the dates are labelled, the spacing is not to scale). Bands are shaded
    across the plot with their labels on the right; reliable change since the first screening
    and remission are marked at the point they were reached; the reliable-change threshold
    around the first score and the remission threshold are drawn as dashed lines."""
    low, high = float(spec.min), float(spec.max)
    y_of = lambda value: _scale(value, low, high, PLOT_BOTTOM, PLOT_TOP)  # noqa: E731
    count = max(len(points), 1)
    slot = (PLOT_RIGHT - PLOT_LEFT) / count
    x_of = lambda index: round(PLOT_LEFT + slot * (index + 0.5), 2)  # noqa: E731
    scored = [p for p in points if p.score is not None]
    words = [f"{spec.title} across {len(points)} screening(s)"]
    for p in points:
        text = f"{p.label}: {fmt(p.score)}" + (f" ({p.band})" if p.band else "")
        text += "".join(f", {MARK_MEANING[m]}" for m in _marks(p))
        words.append(text)
    if not spec.validated:
        words.append("this instrument is not validated")
    chart = TrendChart(
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        title=f"{spec.title}: trend",
        description="; ".join(words) + ".",
    )
    for index, (item, (start, end)) in enumerate(zip(spec.bands, band_edges(spec), strict=True)):
        top, bottom = y_of(end), y_of(start)
        chart.bands.append(
            Rect(PLOT_LEFT, top, PLOT_RIGHT - PLOT_LEFT, round(bottom - top, 2), item.label, index)
        )
        chart.texts.append(
            Text(
                PLOT_RIGHT + 6, round((top + bottom) / 2 + 3, 2), item.label, anchor="start", size=8
            )
        )
    chart.lines.append(Line(PLOT_LEFT, PLOT_TOP, PLOT_LEFT, PLOT_BOTTOM))
    chart.lines.append(Line(PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM))
    for value in (low, high):
        chart.texts.append(Text(PLOT_LEFT - 6, y_of(value) + 3, fmt(value), anchor="end", size=9))
    if spec.remission is not None:
        op, value = spec.remission
        y = y_of(float(value))
        chart.lines.append(Line(PLOT_LEFT, y, PLOT_RIGHT, y, dashed=True, kind="threshold"))
        chart.texts.append(
            Text(PLOT_LEFT + 4, y - 3, f"remission {op} {fmt(value)}", anchor="start", size=8)
        )
    if spec.reliable_change_points is not None and scored:
        first = float(scored[0].score)
        points_rc = float(spec.reliable_change_points)
        for value in (first - points_rc, first + points_rc):
            if low <= value <= high:
                y = y_of(value)
                chart.lines.append(Line(PLOT_LEFT, y, PLOT_RIGHT, y, dashed=True, kind="threshold"))
        chart.texts.append(
            Text(
                PLOT_LEFT,
                PLOT_BOTTOM + 34,
                f"Dashed: first score \u00b1 {fmt(spec.reliable_change_points)} "
                "points (reliable change)",
                anchor="start",
                size=8,
            )
        )
    segment: list[tuple[float, float]] = []
    every = max(1, -(-count // 8))  # at most 8 date labels
    for index, p in enumerate(points):
        x = x_of(index)
        if index % every == 0 or index == count - 1:
            chart.texts.append(Text(x, PLOT_BOTTOM + 14, p.label, size=8))
        if p.score is None:
            if segment:
                chart.segments.append(segment)
            segment = []
            continue
        y = y_of(float(p.score))
        segment.append((x, y))
        marks = _marks(p)
        chart.points.append(Point(x, y, p.score, p.label, marks))
        chart.texts.append(Text(x, y - 7, fmt(p.score), size=9, bold=True))
        if marks:
            label = " ".join(MARK_TEXT[m] for m in marks)
            chart.texts.append(Text(x, min(y + 16, PLOT_BOTTOM - 2), label, size=8, bold=True))
    if segment:
        chart.segments.append(segment)
    return chart


def legend(chart: TrendChart) -> list[str]:
    """The meanings of the marks this chart shows, for the legend beside it."""
    shown = {mark for point in chart.points for mark in point.marks}
    return [f"{MARK_TEXT[m]}: {MARK_MEANING[m]}" for m in MARK_TEXT if m in shown]


def as_number(value: Any) -> Number | None:
    if value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value))
