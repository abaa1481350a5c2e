"""Server-rendered charts for the console and its PDF reports (one geometry, two renderers)."""

from .geometry import BandSpec, ScaleSpec, TrendPointSpec, gauge, legend, trend
from .svg import gauge_svg, trend_svg

__all__ = [
    "BandSpec",
    "ScaleSpec",
    "TrendPointSpec",
    "gauge",
    "gauge_svg",
    "legend",
    "trend",
    "trend_svg",
]
