"""A client's screening history and the trend of each scale."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from clients.models import Client, Organization
from screening.compiled import compiled_version
from screening.models import Screening, ScreeningStatus
from screening.selectors.change import attach_changes, compare_series, series_by_instrument
from screening.selectors.screenings import screening_list


@dataclass
class TrendPoint:
    screening_id: int
    date: datetime
    score: Any
    band: dict | None
    change: Any


@dataclass
class Trend:
    instrument: str
    scale: str
    title: str
    points: list[TrendPoint] = field(default_factory=list)
    # The latest completed screening against the first and the previous comparable ones
    # (selectors/change.py); None while fewer than two comparable scores exist.
    outcome: dict[str, Any] | None = None


@dataclass
class Timeline:
    client: Client
    screenings: list[Screening]
    trends: list[Trend]


def _difference(score: Any, previous: Any) -> Any:
    if score is None or previous is None:
        return None
    change = Decimal(str(score)) - Decimal(str(previous))
    return int(change) if change == change.to_integral_value() else float(change)


def client_timeline(*, organization: Organization, client: Client) -> Timeline:
    """Every screening, newest first (each with its change against the earlier ones); and per
    instrument and scale the series of completed scores (amended and voided revisions excluded)
    with the change since the one before, and the latest score's outcome against the baseline.

    Trends come by instrument code, then in the order the instrument lists its scales (its
    newest version's order: the total first, say, not wherever the alphabet puts it)."""
    screenings = list(screening_list(organization=organization, client_id=client.pk))
    series: dict[tuple[str, str], Trend] = {}
    points: dict[tuple[str, str], list[TrendPoint]] = defaultdict(list)
    scale_order: dict[str, dict[str, int]] = {}
    completed = [s for s in screenings if s.status == ScreeningStatus.COMPLETED]
    for screening in sorted(completed, key=lambda s: (s.submitted_at, s.pk)):
        result = screening.current_results[0] if screening.current_results else None
        if result is None:
            continue
        code = screening.instrument_version.instrument.code
        compiled = compiled_version(screening.instrument_version)
        scale_order[code] = {scale.id: index for index, scale in enumerate(compiled.scales)}
        for scale_id, scale in result.scales.items():
            key = (code, scale_id)
            series.setdefault(key, Trend(instrument=code, scale=scale_id, title=scale["title"]))
            earlier = points[key]
            previous = earlier[-1].score if earlier else None
            earlier.append(
                TrendPoint(
                    screening_id=screening.pk,
                    date=screening.submitted_at,
                    score=scale["score"],
                    band=scale["band"],
                    change=_difference(scale["score"], previous) if earlier else None,
                )
            )

    def position(key: tuple[str, str]) -> tuple[str, int, str]:
        code, scale_id = key
        order = scale_order[code]
        return code, order.get(scale_id, len(order)), scale_id

    # The client's whole history is at hand: change needs no further query.
    attach_changes(screenings, history=screenings)
    outcomes = {
        (code, outcome["scale"]): outcome
        for (_, code), group in series_by_instrument(screenings).items()
        for outcome in compare_series(group)
    }
    trends = []
    for key in sorted(series, key=position):
        trend = series[key]
        trend.points = points[key]
        trend.outcome = outcomes.get(key)
        trends.append(trend)
    return Timeline(client=client, screenings=screenings, trends=trends)
