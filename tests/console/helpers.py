"""Arranging screenings for the console's tests through the same service the API uses."""

import io
from datetime import timedelta

from pypdf import PdfReader

from screening.models import Screening
from screening.selectors.instruments import published_version
from screening.services.screenings import screening_start
from tests.screenings.helpers import phq9_total


def completed_phq9(client, actor, total: int, *, item9: int = 0, days_ago: int = 0) -> Screening:
    answers = phq9_total(total)
    answers[-1] = {"link_id": "phq9-9", "value": item9}
    screening = screening_start(
        organization=client.organization,
        client=client,
        version=published_version(code="phq9"),
        mode="clinician",
        actor=actor,
        answers=answers,
        submit=True,
    )
    if days_ago:
        # Oldest first by submission: spread the series over distinct days.
        Screening.objects.filter(pk=screening.pk).update(
            submitted_at=screening.submitted_at - timedelta(days=days_ago)
        )
    return screening


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)
