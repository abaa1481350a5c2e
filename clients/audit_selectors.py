"""Reads of the audit trail, always one organization's chain."""

import datetime
from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField
from django_filters.utils import translate_validation

from clients.models import AuditEvent, Organization
from clients.models.audit import AuditAction, AuditOutcome
from clients.selectors import IdFilter
from config.filters import ChoiceFilter
from config.ids import parse_id


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, in UTC. Any offset Python accepts (up to ±24 hours) is valid
    input, but PostgreSQL refuses offsets past ±15:59 (a 500); in UTC nothing can go wrong."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before the first UTC instant
            raise forms.ValidationError("This date-time is out of range.", code="invalid") from exc


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class AuditEventFilter(django_filters.FilterSet):
    """The query parameters of the trail. Invalid values are a 400, never ignored."""

    client = IdFilter(
        method="filter_client",
        help_text="Id of a client: only events that name it.",
    )
    actor = django_filters.CharFilter(
        method="filter_actor",
        max_length=150,
        help_text=(
            "A user id or a username: events by that user, and failed sign-ins that gave that "
            "username."
        ),
    )
    action = ChoiceFilter(choices=AuditAction.choices)
    outcome = ChoiceFilter(choices=AuditOutcome.choices)
    since = UTCDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time (UTC unless it has an offset); events at or after it.",
    )
    until = UTCDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="lt",
        help_text="ISO 8601 date-time (UTC unless it has an offset); events before it.",
    )

    class Meta:
        model = AuditEvent
        fields = ("client", "actor", "action", "outcome", "since", "until")

    def filter_client(self, queryset: QuerySet[AuditEvent], name: str, value: int):
        # One row per (client, event) in AuditEventClient: the join cannot repeat an event.
        return queryset.filter(client_links__client_id=value)

    def filter_actor(self, queryset: QuerySet[AuditEvent], name: str, value: str):
        condition = Q(actor__username=value) | Q(actor_label=value)
        actor_id = parse_id(value)
        if actor_id is not None:
            condition |= Q(actor_id=actor_id)
        return queryset.filter(condition)


def audit_event_list(
    *, organization: Organization, filters: Mapping[str, Any] | None = None
) -> QuerySet[AuditEvent]:
    """The organization's events, newest first, narrowed by `AuditEventFilter` parameters.

    Raises a DRF ValidationError naming the parameter when a filter value is invalid."""
    filterset = AuditEventFilter(
        filters or {}, queryset=AuditEvent.objects.filter(organization=organization)
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs.select_related("seal").order_by("-occurred_at", "-id")


def audit_filters_used(filters: Mapping[str, Any]) -> list[str]:
    """Which of the trail's filters a request used (names only)."""
    return sorted(set(AuditEventFilter.base_filters) & set(filters))
