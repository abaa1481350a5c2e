"""Change between a client's completed screenings of one instrument (issue 16).

The engine's `compare()` (pure) fed from the database, for the timeline, a screening's result and
the outcomes report. A series is one client's completed screenings of one instrument (amended and
voided revisions excluded), oldest first by submission; its last screening is the "latest", and the
criteria are those of the version that screening was given with.

Versions: screenings of every version of the instrument join one series, but a scale's earlier
score counts only where the earlier version's scale has the same id, method, range, items and
reverse-coded items as the latest version's (otherwise the two scores do not measure the same
thing on the same ruler). A score that does not match is left out of the comparison, as if that
screening had not scored the scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from screening import engine
from screening.compiled import compiled_version
from screening.engine.numbers import plain as engine_plain
from screening.models import ScaleScore, Screening, ScreeningStatus

# The attribute a batch read leaves on each screening: its per-scale outcomes (a list, empty when
# nothing earlier compares) or None when it is not a completed screening.
ATTRIBUTE = "change_outcomes"
# Where completed_history() leaves each screening's scores ({scale id: score}).
SCORES = "history_scores"


def _signature(scale: engine.CompiledScale) -> tuple:
    return (scale.method, scale.range, scale.items, tuple(sorted(scale.reverse_items)))


def _scores(screening: Screening) -> dict[str, Any]:
    read = getattr(screening, SCORES, None)
    if read is not None:
        return read
    results = getattr(screening, "current_results", None)
    if results is None:
        results = list(screening.results.filter(is_current=True))
    if not results:
        return {}
    return {scale_id: scale["score"] for scale_id, scale in results[0].scales.items()}


def compare_series(series: Sequence[Screening]) -> list[dict[str, Any]]:
    """Per scale of the latest screening's version (in its order): the latest score against the
    first (baseline) and the last before it (previous), by the scale's declared criteria. Scales
    with no earlier comparable score are left out."""
    if len(series) < 2:
        return []
    latest = series[-1]
    compiled = compiled_version(latest.instrument_version)
    rows: list[dict[str, Any]] = []
    for screening in series:
        version = compiled_version(screening.instrument_version)
        earlier_scales = {scale.id: scale for scale in version.scales}
        scores = _scores(screening)
        row = {}
        for scale in compiled.scales:
            other = earlier_scales.get(scale.id)
            if other is not None and _signature(other) == _signature(scale):
                row[scale.id] = scores.get(scale.id)
        rows.append(row)
    titles = {scale.id: scale.title for scale in compiled.scales}
    outcomes = []
    for scale_id, outcome in engine.compare(compiled, rows).items():
        data = outcome.to_dict()
        outcomes.append(
            {
                "scale": scale_id,
                "title": titles[scale_id],
                "baseline": _point(series[outcome.baseline], outcome.baseline_score),
                "previous": _point(series[outcome.previous], outcome.previous_score),
                "latest": _point(series[outcome.latest], outcome.latest_score),
                **{key: data[key] for key in _OUTCOME_FIELDS},
            }
        )
    return outcomes


_OUTCOME_FIELDS = (
    "change_since_baseline",
    "change_since_previous",
    "reliable_change",
    "reliable_change_since_previous",
    "response",
    "remission",
    "recovery",
    "criteria",
)


def _point(screening: Screening, score: Any) -> dict[str, Any]:
    return {
        "screening": screening.pk,
        "version": screening.instrument_version.version,
        "date": screening.submitted_at,
        "score": score,
    }


def _order(screening: Screening) -> tuple:
    return (screening.submitted_at, screening.pk)


def series_by_instrument(screenings: Iterable[Screening]) -> dict[tuple[int, str], list[Screening]]:
    """Completed screenings grouped by (client, instrument code), oldest first."""
    groups: dict[tuple[int, str], list[Screening]] = defaultdict(list)
    for screening in screenings:
        if screening.status == ScreeningStatus.COMPLETED and screening.submitted_at is not None:
            code = screening.instrument_version.instrument.code
            groups[(screening.client_id, code)].append(screening)
    for group in groups.values():
        group.sort(key=_order)
    return groups


def attach_changes(screenings: Sequence[Screening], *, history: Iterable[Screening]) -> None:
    """Set each screening's `change_outcomes` from `history`, which must hold every completed
    screening of the same clients and instruments (the screenings themselves may be among it)."""
    groups = series_by_instrument(history)
    for screening in screenings:
        if screening.status != ScreeningStatus.COMPLETED or screening.submitted_at is None:
            setattr(screening, ATTRIBUTE, None)
            continue
        group = groups.get((screening.client_id, screening.instrument_version.instrument.code), [])
        mark = _order(screening)
        # The history's copy of the screening itself carries its prefetched result.
        itself = next((s for s in group if s.pk == screening.pk), screening)
        series = [earlier for earlier in group if _order(earlier) < mark] + [itself]
        setattr(screening, ATTRIBUTE, compare_series(series))


def completed_history(screenings: Sequence[Screening]) -> list[Screening]:
    """Every completed screening of the clients and instruments of `screenings`, with its scores,
    in one query of their scale-score rows (each screening's own organization: the callers'
    selectors read those screenings from the caller's organization)."""
    wanted = {
        (s.organization_id, s.client_id, s.instrument_version.instrument.code)
        for s in screenings
        if s.status == ScreeningStatus.COMPLETED
    }
    if not wanted:
        return []
    rows = (
        ScaleScore.objects.filter(
            result__is_current=True,
            screening__status=ScreeningStatus.COMPLETED,
            organization_id__in={w[0] for w in wanted},
            client_id__in={w[1] for w in wanted},
            instrument_code__in={w[2] for w in wanted},
        )
        .select_related("screening__instrument_version__instrument")
        .defer("screening__answers", "screening__instrument_version__definition")
    )
    found: dict[int, Screening] = {}
    for row in rows:
        if (row.organization_id, row.client_id, row.instrument_code) not in wanted:
            continue
        screening = found.setdefault(row.screening_id, row.screening)
        scores = getattr(screening, SCORES, None)
        if scores is None:
            scores = {}
            setattr(screening, SCORES, scores)
        scores[row.scale_id] = None if row.score is None else engine_plain(row.score)
    return list(found.values())


def with_changes(screenings: Sequence[Screening]) -> Sequence[Screening]:
    """`screenings`, each carrying its change relative to the client's earlier completed
    screenings of the same instrument (one query for the whole list)."""
    attach_changes(screenings, history=completed_history(screenings))
    return screenings


def screening_change(screening: Screening) -> list[dict[str, Any]] | None:
    """One screening's change outcomes (read once and kept on the object)."""
    if not hasattr(screening, ATTRIBUTE):
        with_changes([screening])
    return getattr(screening, ATTRIBUTE)
