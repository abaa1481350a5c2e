"""An organization's outcomes report (issue 16): per instrument, period and scale, how many clients
changed reliably, and how many recovered. Counts only; no client is named in the report.

Who counts in a period: a client with at least two completed screenings of the instrument up to
the period's end, the latest of them inside the period. Their outcome is that latest screening
against their first completed one (the baseline), as the timeline shows it (selectors/change.py:
same series rules, same criteria). A client seen in several periods counts in each, with the
outcome as it stood at the end of that period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import Prefetch

from clients.models import Organization
from screening.compiled import compiled_version
from screening.engine import DETERIORATED, IMPROVED, NO_RELIABLE_CHANGE, NOT_DEFINED
from screening.models import Screening, ScreeningResult, ScreeningStatus
from screening.selectors.change import compare_series, series_by_instrument

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # exclusive

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def _start_of(day: date, kind: str) -> date:
    if kind == "year":
        return date(day.year, 1, 1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def _next(start: date, kind: str) -> date:
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def periods_between(first: date, last: date, kind: str) -> list[Period]:
    """The calendar periods (UTC) from the one holding `first` to the one holding `last`."""
    periods = []
    start = _start_of(first, kind)
    while start <= last:
        end = _next(start, kind)
        periods.append(Period(start, end))
        start = end
    return periods


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass
class OutcomeRow:
    instrument: str
    period: Period
    scale: str
    title: str
    clients: int = 0
    improved: int = 0
    no_reliable_change: int = 0
    deteriorated: int = 0
    not_defined: int = 0
    cases_at_baseline: int = 0
    recovered: int = 0
    client_ids: set[int] = field(default_factory=set)

    def percent(self, count: int, of: int) -> float | None:
        return None if of == 0 else round(100 * count / of, 1)


@dataclass
class OutcomesReport:
    period: str
    first: date
    last: date
    rows: list[OutcomeRow]

    @property
    def client_ids(self) -> set[int]:
        return {pk for row in self.rows for pk in row.client_ids}


_TALLY = {
    IMPROVED: "improved",
    NO_RELIABLE_CHANGE: "no_reliable_change",
    DETERIORATED: "deteriorated",
    NOT_DEFINED: "not_defined",
}


def outcomes_report(
    *,
    organization: Organization,
    period: str,
    first: date,
    last: date,
    instrument: str | None = None,
) -> OutcomesReport:
    """Counts per instrument, period and scale (in the instrument's scale order), for the periods
    from the one holding `first` to the one holding `last`. Two queries, whatever the size."""
    periods = periods_between(first, last, period)
    screenings = (
        Screening.objects.filter(
            organization=organization,
            status=ScreeningStatus.COMPLETED,
            submitted_at__lt=_moment(periods[-1].end),
        )
        .select_related("instrument_version__instrument")
        .defer("instrument_version__definition", "answers")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=ScreeningResult.objects.filter(is_current=True),
                to_attr="current_results",
            )
        )
    )
    if instrument:
        screenings = screenings.filter(instrument_version__instrument__code=instrument)
    rows: dict[tuple[str, Period, str], OutcomeRow] = {}
    position: dict[tuple[str, str], int] = {}
    for (client_id, code), history in sorted(series_by_instrument(screenings).items()):
        for each in periods:
            start, end = _moment(each.start), _moment(each.end)
            series = [s for s in history if s.submitted_at < end]
            if len(series) < 2 or series[-1].submitted_at < start:
                continue
            scales = compiled_version(series[-1].instrument_version).scales
            for index, scale in enumerate(scales):
                position.setdefault((code, scale.id), index)
            for outcome in compare_series(series):
                key = (code, each, outcome["scale"])
                row = rows.get(key)
                if row is None:
                    row = rows[key] = OutcomeRow(code, each, outcome["scale"], outcome["title"])
                _tally(row, outcome, client_id)
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.instrument, r.period.start, position.get((r.instrument, r.scale), 0)),
    )
    return OutcomesReport(period=period, first=periods[0].start, last=periods[-1].end, rows=ordered)


def _tally(row: OutcomeRow, outcome: dict[str, Any], client_id: int) -> None:
    row.clients += 1
    row.client_ids.add(client_id)
    name = _TALLY[outcome["reliable_change"]]
    setattr(row, name, getattr(row, name) + 1)
    if outcome["recovery"] is not None:  # None: no caseness declared, or baseline not a case
        row.cases_at_baseline += 1
        row.recovered += int(outcome["recovery"])
