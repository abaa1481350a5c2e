"""Reads of flags: the organization's inbox, urgent first, then newest."""

from django.db.models import Prefetch, QuerySet

from clients.models import Organization
from screening.models import Flag, FlagReview


def flag_list(
    *,
    organization: Organization,
    status: str | None = None,
    severity: str | None = None,
    condition: str | None = None,
    client_id: int | None = None,
) -> QuerySet[Flag]:
    flags = Flag.objects.filter(organization=organization)
    if status:
        flags = flags.filter(status=status)
    if severity:
        flags = flags.filter(severity=severity)
    if condition:
        flags = flags.filter(condition_code=condition)
    if client_id is not None:
        flags = flags.filter(client_id=client_id)
    # A flag is shown on its own (it carries its screening's id, not the screening), so the
    # inbox loads no screenings: only each flag's reviews, into a plain list.
    return flags.prefetch_related(
        Prefetch(
            "reviews",
            queryset=FlagReview.objects.select_related("reviewer"),
            to_attr="prefetched_reviews",
        )
    )


def flag_get(*, organization: Organization, pk: int) -> Flag | None:
    return flag_list(organization=organization).filter(pk=pk).first()
