"""Reads of screenings, always from the caller's organization."""

from django.db.models import Prefetch, QuerySet

from clients.models import Organization
from screening.models import Flag, FlagReview, Screening, ScreeningResult


def _with_details(screenings: QuerySet[Screening]) -> QuerySet[Screening]:
    """Everything a screening's representation shows, in a fixed number of queries."""
    return (
        screenings.select_related("instrument_version__instrument", "superseded_by")
        # The definition (5-70 kB of JSON) would be decoded again for every row; rendering uses
        # the compiled version, cached per process by (pk, checksum), which loads it on a miss.
        .defer("instrument_version__definition")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=ScreeningResult.objects.filter(is_current=True),
                to_attr="current_results",
            ),
            Prefetch(
                "flags",
                queryset=Flag.objects.order_by("severity_rank", "id").prefetch_related(
                    Prefetch(
                        "reviews",
                        queryset=FlagReview.objects.select_related("reviewer"),
                        to_attr="prefetched_reviews",
                    )
                ),
                to_attr="prefetched_flags",
            ),
        )
    )


def screening_list(
    *,
    organization: Organization,
    client_id: int | None = None,
    status: str | None = None,
    instrument: str | None = None,
) -> QuerySet[Screening]:
    screenings = Screening.objects.filter(organization=organization)
    if client_id is not None:
        screenings = screenings.filter(client_id=client_id)
    if status:
        screenings = screenings.filter(status=status)
    if instrument:
        screenings = screenings.filter(instrument_version__instrument__code=instrument)
    return _with_details(screenings)


def screening_get(*, organization: Organization, pk: int) -> Screening | None:
    return _with_details(Screening.objects.filter(organization=organization, pk=pk)).first()
