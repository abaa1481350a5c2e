"""SVG markup for the console's charts, from the geometry in `geometry.py`.

Every piece of text goes through `escape()` (band labels and titles come from instrument
definitions, which instrument admins write). The markup is static: no script, no inline event
handler and no style attribute, so the console's Content-Security-Policy needs no exception; the
colours are presentation attributes. Each chart is `role="img"` with a <title> and a <desc> that
say in words everything the picture shows.
"""

from __future__ import annotations

from html import escape
from itertools import count

from .geometry import Gauge, Rect, Text, TrendChart, fmt

# Band shades from light to dark (neutral blues: no traffic-light colours that would read as a
# verdict; the label under each band says what it is). Text stays dark on every shade (contrast
# well above 4.5:1).
SHADES = ("#eef3fb", "#d9e4f5", "#c3d4ee", "#adc4e6", "#97b4df", "#819fd4")
INK = "#1b1f24"
MARKER = "#b00020"
THRESHOLD = "#444b53"

_ids = count(1)


def _rect(rect: Rect) -> str:
    shade = SHADES[min(rect.index, len(SHADES) - 1)]
    return (
        f'<rect x="{rect.x:g}" y="{rect.y:g}" width="{rect.width:g}" height="{rect.height:g}" '
        f'fill="{shade}" stroke="#ffffff" stroke-width="1" data-band="{escape(rect.label)}">'
        f"<title>{escape(rect.label)}</title></rect>"
    )


def _text(text: Text) -> str:
    weight = ' font-weight="bold"' if text.bold else ""
    return (
        f'<text x="{text.x:g}" y="{text.y:g}" text-anchor="{text.anchor}" '
        f'font-size="{text.size:g}"{weight} fill="{INK}">{escape(text.text)}</text>'
    )


def _open(width: float, height: float, title: str, description: str, kind: str) -> list[str]:
    ident = f"chart-{next(_ids)}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
    ]


def gauge_svg(chart: Gauge) -> str:
    parts = _open(chart.width, chart.height, chart.title, chart.description, "gauge")
    parts += [_rect(rect) for rect in chart.bands]
    for line in chart.lines:
        colour = MARKER if line.kind == "marker" else INK
        parts.append(
            f'<line x1="{line.x1:g}" y1="{line.y1:g}" x2="{line.x2:g}" y2="{line.y2:g}" '
            f'stroke="{colour}" stroke-width="{line.width:g}" class="{line.kind}"/>'
        )
    parts += [_text(text) for text in chart.texts]
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(chart: TrendChart) -> str:
    parts = _open(chart.width, chart.height, chart.title, chart.description, "trend")
    parts += [_rect(rect) for rect in chart.bands]
    for line in chart.lines:
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        colour = THRESHOLD if line.kind == "threshold" else INK
        parts.append(
            f'<line x1="{line.x1:g}" y1="{line.y1:g}" x2="{line.x2:g}" y2="{line.y2:g}" '
            f'stroke="{colour}" stroke-width="{line.width:g}"{dash} class="{line.kind}"/>'
        )
    for segment in chart.segments:
        coordinates = " ".join(f"{x:g},{y:g}" for x, y in segment)
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{INK}" stroke-width="2" '
            'class="trend"/>'
        )
    for point in chart.points:
        marks = " ".join(point.marks)
        parts.append(
            f'<circle cx="{point.x:g}" cy="{point.y:g}" r="4" fill="{MARKER if marks else INK}" '
            f'class="point" data-marks="{escape(marks)}"><title>{escape(point.label)}: '
            f"{escape(fmt(point.score))}</title></circle>"
        )
    parts += [_text(text) for text in chart.texts]
    parts.append("</svg>")
    return "".join(parts)
