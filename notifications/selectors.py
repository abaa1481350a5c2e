"""Reads of notifications, always from the caller's organization."""

from django.db.models import Prefetch, QuerySet

from clients.models import Organization
from notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    FhirSubscription,
    WebhookEndpoint,
)

# The FHIR interface's one reading of ids.
from screening.selectors.fhir import _ids


def endpoint_list(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization, deleted_at__isnull=True)


def endpoint_get(*, organization: Organization, pk: int) -> WebhookEndpoint | None:
    return endpoint_list(organization=organization).filter(pk=pk).first()


def delivery_list(
    *, organization: Organization, endpoint_id: int | None = None, status: str | None = None
) -> QuerySet[Delivery]:
    """Webhook deliveries of the organization's endpoints (removed ones' leave with them)."""
    deliveries = (
        Delivery.objects.filter(
            organization=organization,
            channel=Channel.WEBHOOK,
            endpoint__deleted_at__isnull=True,
        )
        .select_related("event", "endpoint")
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number"))
        )
    )
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if status is not None:
        deliveries = deliveries.filter(status=status)
    return deliveries


def delivery_get(*, organization: Organization, pk: int) -> Delivery | None:
    return delivery_list(organization=organization).filter(pk=pk).first()


def subscription_list(
    *, organization: Organization, statuses: list[list[str]] | None = None
) -> QuerySet[FhirSubscription]:
    found = FhirSubscription.objects.filter(organization=organization, deleted_at__isnull=True)
    for alternatives in statuses or []:
        found = found.filter(status__in=alternatives)
    return found


def subscription_get(*, organization: Organization, pk: str) -> FhirSubscription | None:
    """Deleted ones included (a read of one answers 410)."""
    return FhirSubscription.objects.filter(organization=organization, pk__in=_ids([pk])).first()
