"""The PDF reports: a real PDF, marked for clinician review, with the client's initials, the
scores and the flags."""

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from console.charts.specs import screening_scale_specs, timeline_trends
from console.reports.pdf import client_report, initials, screening_report
from screening.compiled import compiled_version
from screening.selectors.change import screening_change
from screening.selectors.screenings import screening_get
from screening.selectors.timeline import client_timeline
from tests.console.helpers import completed_phq9, pdf_text

MADE = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _screening_pdf(screening, **kwargs) -> bytes:
    screening = screening_get(organization=screening.organization, pk=screening.pk)
    return screening_report(
        clinic=screening.organization.name,
        screening=screening,
        compiled=compiled_version(screening.instrument_version),
        specs=screening_scale_specs(screening),
        changes=screening_change(screening),
        generated_at=MADE,
        **kwargs,
    )


def test_initials_are_the_first_letters_of_the_given_and_family_names(ana):
    assert initials(ana) == "A.S."


def test_a_screening_report_is_a_pdf_with_the_initials_the_total_and_its_band(
    ana, clinician, library
):
    data = _screening_pdf(completed_phq9(ana, clinician, 12))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Client: A.S." in text
    assert "Score 12: Moderate" in text
    assert "Ana" not in text
    assert "Silva" not in text


def test_every_page_says_for_clinician_review_not_a_diagnosis_with_the_clinic_and_date(
    ana, clinician, library
):
    data = _screening_pdf(completed_phq9(ana, clinician, 12))
    pages = PdfReader(io.BytesIO(data)).pages
    for page in pages:
        text = page.extract_text()
        assert "For clinician review, not a diagnosis" in text
        assert ana.organization.name in text
        assert "Made 2026-12-04 18:00 UTC" in text


def test_the_screening_report_lists_the_urgent_flag_with_the_item_that_met_its_rule(
    ana, clinician, library
):
    data = _screening_pdf(completed_phq9(ana, clinician, 3, item9=2))
    text = pdf_text(data)
    assert "URGENT:" in text
    assert "phq9-9" in text
    assert ">= 1" in text or "> 0" in text


def test_the_screening_report_states_change_since_the_first_screening(ana, clinician, library):
    completed_phq9(ana, clinician, 18, days_ago=30)
    data = _screening_pdf(completed_phq9(ana, clinician, 7))
    text = " ".join(pdf_text(data).split())
    assert "-11 points, reliable improvement" in text


def test_the_uncompressed_report_carries_its_text_in_the_clear(ana, clinician, library):
    data = _screening_pdf(completed_phq9(ana, clinician, 12), compress=False)
    assert b"For clinician review, not a diagnosis" in data


def test_a_client_report_draws_each_trend_and_lists_every_screening(ana, clinician, library):
    completed_phq9(ana, clinician, 18, days_ago=60)
    completed_phq9(ana, clinician, 11, days_ago=30)
    completed_phq9(ana, clinician, 4)
    timeline = client_timeline(organization=ana.organization, client=ana)
    data = client_report(
        clinic=ana.organization.name,
        client=ana,
        screenings=timeline.screenings,
        trends=timeline_trends(timeline),
        generated_at=MADE,
    )
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())
    assert "Client: A.S." in text
    assert "PHQ-9: Total" in text or "PHQ-9: " in text
    assert "RI Rem" in text
    assert "Rem: remission" in text
    assert text.count("phq9 1.1.0") == 3


def test_the_pdf_gauge_draws_its_marker_and_bands_where_the_svg_does():
    from reportlab.graphics.shapes import Line, Rect

    from console.charts import gauge
    from console.reports.drawing import gauge_drawing
    from tests.console.test_chart_geometry import PHQ9

    chart = gauge(PHQ9, 18)
    drawing = gauge_drawing(chart)
    marker = next(s for s in drawing.contents if isinstance(s, Line) and s.strokeWidth == 3)
    assert marker.x1 == chart.marker_x
    rects = [s for s in drawing.contents if isinstance(s, Rect)]
    assert [(r.x, r.width) for r in rects] == [(b.x, b.width) for b in chart.bands]
    # ReportLab's y grows upwards: the band's top edge in SVG is its bottom edge plus height here.
    assert rects[0].y + rects[0].height == chart.height - chart.bands[0].y
