"""From the service's own reads to chart inputs: a scale's bands and criteria from its compiled
instrument version, and a trend's points from the timeline selector with each screening's change
(`screening/selectors/change.py`). No new arithmetic: reliable change and remission are the ones
the service already computed for the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from screening.compiled import compiled_version
from screening.models import ScreeningStatus
from screening.selectors.change import ATTRIBUTE as CHANGE_ATTRIBUTE

from .geometry import BandSpec, ScaleSpec, TrendPointSpec, as_number


def scale_spec(compiled: Any, scale_id: str) -> ScaleSpec | None:
    """The chart spec of one scale of a compiled instrument version (None if it has no such
    scale)."""
    scale = next((s for s in compiled.scales if s.id == scale_id), None)
    if scale is None:
        return None
    change = scale.change
    reliable = change.reliable_change.threshold if change and change.reliable_change else None
    remission = None
    if change is not None and change.remission is not None:
        remission = (change.remission.op, as_number(change.remission.value))
    return ScaleSpec(
        id=scale.id,
        title=scale.title,
        min=as_number(scale.range[0]),
        max=as_number(scale.range[1]),
        bands=tuple(
            BandSpec(b.code, b.label, b.min, b.max, b.interpretation, b.source) for b in scale.bands
        ),
        bands_provisional=scale.bands_provisional,
        validated=compiled.validated,
        reliable_change_points=as_number(reliable),
        remission=remission,
    )


def screening_scale_specs(screening: Any) -> dict[str, ScaleSpec]:
    """Every scale of the screening's pinned version, by id."""
    compiled = compiled_version(screening.instrument_version)
    return {scale.id: scale_spec(compiled, scale.id) for scale in compiled.scales}


def trend_points(trend: Any, screenings: Iterable[Any]) -> list[TrendPointSpec]:
    """A timeline trend's points, each with the reliable change since the first screening and
    remission that its screening's own change outcome reports (as `result.change` does)."""
    outcomes: dict[int, Mapping[str, Any]] = {}
    for screening in screenings:
        for outcome in getattr(screening, CHANGE_ATTRIBUTE, None) or ():
            if outcome["scale"] == trend.scale:
                outcomes[screening.pk] = outcome
    points = []
    for point in trend.points:
        outcome = outcomes.get(point.screening_id, {})
        points.append(
            TrendPointSpec(
                label=point.date.date().isoformat(),
                score=as_number(point.score),
                band=(point.band or {}).get("label"),
                reliable_change=outcome.get("reliable_change"),
                remission=outcome.get("remission"),
            )
        )
    return points


def timeline_trends(timeline: Any) -> list[tuple[str, ScaleSpec, list[TrendPointSpec], Any]]:
    """Per trend of a `client_timeline()`: a heading, the scale's spec from the newest completed
    version of its instrument (whose bands and criteria the outcome was judged by), the points
    and the latest outcome. A trend whose scale the newest version no longer has is left out."""
    newest: dict[str, Any] = {}
    for screening in timeline.screenings:  # newest first
        code = screening.instrument_version.instrument.code
        if screening.status == ScreeningStatus.COMPLETED and code not in newest:
            newest[code] = screening.instrument_version
    rows = []
    for item in timeline.trends:
        version = newest.get(item.instrument)
        if version is None:
            continue
        compiled = compiled_version(version)
        spec = scale_spec(compiled, item.scale)
        if spec is None:
            continue
        heading = f"{compiled.short_title or compiled.title}: {item.title}"
        rows.append((heading, spec, trend_points(item, timeline.screenings), item.outcome))
    return rows
