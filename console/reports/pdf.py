"""PDF reports for the clinical record: one screening, or one client's timeline.

ReportLab (pure Python, from PyPI alone) lays out the text with platypus; the charts are drawn
from the same geometry as the console's SVG (`console/reports/drawing.py`). Every page carries
the clinic's name, the date the report was made and "For clinician review, not a diagnosis".

The report names the client by initials and this service's record number, not in full: it is
meant to be filed in the clinic's own record, where the client is already identified, and a
printed page that goes astray then says less about whom it concerns.

The functions take what the console's views have already read through the selectors; they read
nothing themselves.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from console.charts.geometry import ScaleSpec, TrendPointSpec, fmt, gauge, legend, trend
from console.reports.drawing import gauge_drawing, trend_drawing

NOT_A_DIAGNOSIS = "For clinician review, not a diagnosis"

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
H1 = ParagraphStyle("h1", parent=_styles["Heading1"], fontSize=15, leading=19)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontSize=12, leading=15)
H3 = ParagraphStyle("h3", parent=_styles["Heading3"], fontSize=10, leading=13)
WARN = ParagraphStyle("warn", parent=BODY, textColor=colors.HexColor("#8a1c00"))

_GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa3ad")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def initials(client: Any) -> str:
    """ "A.S." for Ana Silva."""
    parts = [client.given_name, client.family_name]
    return "".join(f"{part.strip()[0].upper()}." for part in parts if part and part.strip())


def _p(text: Any, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(rows: list[list[Any]], widths: Sequence[float] | None = None) -> Table:
    cells = [[c if isinstance(c, Flowable) else _p(c, SMALL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_GRID)
    return table


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "not submitted"


class _Document:
    """The page frame every report shares: header and footer on every page."""

    def __init__(self, *, clinic: str, title: str, generated_at: datetime, compress: bool):
        self.buffer = io.BytesIO()
        self.clinic = clinic
        self.title = title
        self.generated = generated_at.strftime("%Y-%m-%d %H:%M UTC")
        self.doc = SimpleDocTemplate(
            self.buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=24 * mm,
            bottomMargin=20 * mm,
            title=title,
            author=clinic,
            subject=NOT_A_DIAGNOSIS,
            pageCompression=1 if compress else 0,
        )

    def _frame(self, canvas: Any, doc: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(18 * mm, height - 12 * mm, self.clinic)
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(width - 18 * mm, height - 12 * mm, f"Made {self.generated}")
        canvas.setFillColor(colors.HexColor("#8a1c00"))
        canvas.drawString(18 * mm, height - 17 * mm, NOT_A_DIAGNOSIS + ".")
        canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(18 * mm, 10 * mm, f"{self.title}. {NOT_A_DIAGNOSIS}.")
        canvas.drawRightString(width - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    def build(self, story: list[Flowable]) -> bytes:
        self.doc.build(story, onFirstPage=self._frame, onLaterPages=self._frame)
        return self.buffer.getvalue()


def _client_lines(client: Any) -> list[Flowable]:
    return [
        _p(f"Client: {initials(client)} (record {client.pk}), born {client.birth_date.year}"),
    ]


def _scale_section(
    spec: ScaleSpec | None, scale: dict[str, Any], change: dict[str, Any] | None
) -> list[Flowable]:
    band = scale.get("band") or {}
    parts: list[Flowable] = [_p(scale["title"], H3)]
    line = f"Score {fmt(scale.get('score'))}"
    if band:
        line += f": {band.get('label')}"
    if scale.get("bands_provisional"):
        line += " (provisional bands)"
    if not scale.get("complete", True):
        line += (
            f". Incomplete: {scale.get('answered')} of {scale.get('expected')} items answered"
            + (" (prorated)" if scale.get("prorated") else "")
        )
    parts.append(_p(line))
    if spec is not None:
        parts.append(gauge_drawing(gauge(spec, scale.get("score"))))
    if band.get("interpretation"):
        parts.append(_p(band["interpretation"], SMALL))
    if band.get("source"):
        parts.append(_p(f"Band source: {band['source']}", SMALL))
    if change:
        parts.append(_p(change_sentence(change), SMALL))
    return [KeepTogether(parts), Spacer(1, 4)]


def change_sentence(change: dict[str, Any]) -> str:
    """One line saying how this score compares with the first and the previous screening."""
    words = {
        "improved": "reliable improvement",
        "deteriorated": "reliable deterioration",
        "no_reliable_change": "no reliable change",
        "not_defined": "reliable change not defined for this scale",
    }
    baseline = change["baseline"]
    text = (
        f"Since the first screening ({_date(baseline['date'])[:10]}, {fmt(baseline['score'])}): "
        f"{fmt(change['change_since_baseline'])} points, "
        f"{words.get(change['reliable_change'], change['reliable_change'])}"
    )
    text += f"; since the previous: {fmt(change['change_since_previous'])} points"
    if change.get("remission"):
        text += "; in remission"
    if change.get("response"):
        text += "; response"
    if change.get("recovery"):
        text += "; recovered"
    return text + "."


def _flag_section(flag: Any) -> list[Flowable]:
    evidence = flag.evidence or {}
    parts = [
        _p(f"{flag.severity.upper()}: {flag.condition_name} (status: {flag.status})", H3),
        _p(flag.message),
    ]
    if evidence.get("criteria"):
        parts.append(_p(f"Rule: {evidence['criteria']}", SMALL))
    rows = [["item", "answer", "threshold", "met"]]
    for item in evidence.get("items", []):
        answer = item.get("label") if item.get("answered") else "unanswered"
        met = {True: "yes", False: "no"}.get(item.get("met"), "")
        rows.append(
            [f"{item['link_id']}: {item['text']}", answer, item.get("threshold") or "", met]
        )
    for scale in evidence.get("scales", []):
        met = {True: "yes", False: "no"}.get(scale.get("met"), "")
        rows.append([scale["title"], fmt(scale.get("score")), scale.get("threshold") or "", met])
    if len(rows) > 1:
        parts.append(_table(rows, [90 * mm, 35 * mm, 35 * mm, 12 * mm]))
    if evidence.get("determined_from_partial"):
        parts.append(_p("Determined from a partial response.", WARN))
    if flag.follow_up_instrument:
        parts.append(_p(f"Suggested follow-up: {flag.follow_up_instrument}", SMALL))
    return [*parts, Spacer(1, 6)]


def screening_report(
    *,
    clinic: str,
    screening: Any,
    compiled: Any,
    specs: dict[str, ScaleSpec | None],
    changes: Iterable[dict[str, Any]] | None,
    generated_at: datetime,
    compress: bool = True,
) -> bytes:
    """One screening: its scales on their gauges, change since earlier screenings, flags with
    their evidence, and every answer as given."""
    client = screening.client
    doc = _Document(
        clinic=clinic,
        title=f"Screening report {initials(client)}",
        generated_at=generated_at,
        compress=compress,
    )
    result = screening.current_results[0] if screening.current_results else None
    submitted = _date(screening.submitted_at)
    story: list[Flowable] = [
        _p(f"{compiled.title}, version {compiled.version}", H1),
        *_client_lines(client),
        _p(f"Screening {screening.pk}, {screening.status}, submitted {submitted}"),
    ]
    if not compiled.validated:
        story.append(_p("This instrument is not validated; its bands are provisional.", WARN))
    if result is not None and not result.complete:
        missing = ", ".join(result.missing_items) or "some items"
        story.append(_p(f"Incomplete result: unanswered {missing}.", WARN))
    story.append(_p("Scores", H2))
    by_scale = {c["scale"]: c for c in changes or ()}
    if result is None:
        story.append(_p("Not scored yet (the screening is not completed)."))
    else:
        for scale_id, scale in result.scales.items():
            story += _scale_section(specs.get(scale_id), scale, by_scale.get(scale_id))
    flags = list(getattr(screening, "prefetched_flags", None) or screening.flags.all())
    story.append(_p("Flags for clinician review", H2))
    if not flags:
        story.append(_p("No flag was raised."))
    for flag in flags:
        story += _flag_section(flag)
    story.append(_p("Answers", H2))
    rows = [["item", "answer"]]
    for item in compiled.items:
        value = screening.answers.get(item.link_id)
        label = "unanswered" if value is None else item.labels.get(value, str(value))
        rows.append([f"{item.link_id}: {item.text}", label])
    story.append(_table(rows, [120 * mm, 52 * mm]))
    return doc.build(story)


def client_report(
    *,
    clinic: str,
    client: Any,
    screenings: Sequence[Any],
    trends: Sequence[tuple[str, ScaleSpec, list[TrendPointSpec], dict[str, Any] | None]],
    generated_at: datetime,
    compress: bool = True,
) -> bytes:
    """One client's timeline: each scale's trend chart with its latest outcome, then every
    screening (newest first) with its totals and flags."""
    doc = _Document(
        clinic=clinic,
        title=f"Timeline report {initials(client)}",
        generated_at=generated_at,
        compress=compress,
    )
    story: list[Flowable] = [_p("Client timeline", H1), *_client_lines(client)]
    story.append(_p("Trends", H2))
    if not trends:
        story.append(_p("No completed screening yet."))
    for heading, spec, points, outcome in trends:
        chart = trend(spec, points)
        block: list[Flowable] = [_p(heading, H3), trend_drawing(chart)]
        meanings = legend(chart)
        if meanings:
            block.append(_p("; ".join(meanings), SMALL))
        if not spec.validated:
            block.append(_p("Not validated; provisional bands.", WARN))
        if outcome:
            block.append(_p(change_sentence(outcome), SMALL))
        story += [KeepTogether(block), Spacer(1, 6)]
    story.append(_p("Screenings", H2))
    rows = [["date", "instrument", "status", "scores", "flags"]]
    for screening in screenings:
        result = screening.current_results[0] if screening.current_results else None
        scores = (
            "; ".join(
                f"{s['title']} {fmt(s.get('score'))}"
                + (f" ({s['band']['label']})" if s.get("band") else "")
                for s in result.scales.values()
            )
            if result
            else ""
        )
        if result is not None and not result.complete:
            scores += " (incomplete)"
        flags = "; ".join(
            f"{f.severity} {f.condition_name} ({f.status})"
            for f in getattr(screening, "prefetched_flags", ())
        )
        version = screening.instrument_version
        rows.append(
            [
                _date(screening.submitted_at or screening.created_at)[:10],
                f"{version.instrument.code} {version.version}",
                screening.status,
                scores,
                flags,
            ]
        )
    story.append(_table(rows, [22 * mm, 28 * mm, 22 * mm, 60 * mm, 42 * mm]))
    return doc.build(story)
