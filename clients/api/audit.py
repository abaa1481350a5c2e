"""The audit trail for organization admins: `/api/v1/audit-events/` and its CSV export.

Only org admins, only their organization's chain. Reading the trail is itself recorded (`read`
of `audit_event`), and an export writes an `export` event naming the filters and the row count.
"""

import csv
import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from clients.access import AuditObject, audit_read, request_credential
from clients.audit_selectors import AuditEventFilter, audit_event_list, audit_filters_used
from clients.models import AuditEvent, Role
from clients.models.audit import AuditAction
from clients.permissions import OrganizationRole, request_organization
from clients.services.audit import audit_record
from config.ids import MAX_ID, parse_id

CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "actor_label",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "client_ids",
    "request_id",
    "ip",
    "user_agent",
    "detail",
    "credential",
    "sequence",
    "prev_hash",
    "hash",
)
# Filled in when the sealer gives the event its place in the chain (null until then).
SEAL_COLUMNS = ("sequence", "prev_hash", "hash")
# A spreadsheet runs a cell that starts with one of these as a formula; user agents and typed
# usernames are the caller's text, so such cells are prefixed with "'" (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(
        source="actor_id",
        allow_null=True,
        read_only=True,
        help_text="User id; null for the system or unknown.",
    )
    actor_label = serializers.CharField(
        read_only=True,
        help_text="Username at the time (for a failed sign-in: the username that was tried).",
    )
    client_ids = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Clients the event touched."
    )
    detail = serializers.DictField(read_only=True, help_text="Names and counts, never client data.")
    ip = serializers.IPAddressField(allow_null=True, read_only=True)
    credential = serializers.CharField(
        read_only=True,
        help_text='The credential the request used: "token:<prefix>" or "session"; blank '
        "outside a request.",
    )
    sequence = serializers.IntegerField(
        source="seal.sequence",
        allow_null=True,
        read_only=True,
        help_text="The event's place in the sealed chain; null until sealed (within seconds).",
    )
    prev_hash = serializers.CharField(
        source="seal.prev_hash", allow_null=True, read_only=True, help_text="Null until sealed."
    )
    hash = serializers.CharField(
        source="seal.hash", allow_null=True, read_only=True, help_text="Null until sealed."
    )

    class Meta:
        model = AuditEvent
        fields = CSV_COLUMNS
        read_only_fields = fields


class CSVRenderer(BaseRenderer):
    """Lets `Accept: text/csv` through content negotiation; the export streams its own body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return JSONRenderer().render(data)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, separators=(",", ":"))
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_rows(events) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=1000):
        row = {
            column: getattr(event, column)
            for column in CSV_COLUMNS
            if column not in SEAL_COLUMNS and column != "actor"
        }
        row["actor"] = event.actor_id
        seal = getattr(event, "seal", None)
        for column in SEAL_COLUMNS:
            row[column] = getattr(seal, column) if seal is not None else None
        yield writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])


# The bounds the filters enforce, stated in the schema (django-filter's own omit them).
FILTER_PARAMETERS = [
    OpenApiParameter(
        "client",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        description=AuditEventFilter.base_filters["client"].extra["help_text"],
    ),
    OpenApiParameter(
        "actor",
        {"type": "string", "maxLength": 150},
        description=AuditEventFilter.base_filters["actor"].extra["help_text"],
    ),
]


@extend_schema_view(
    list=extend_schema(
        parameters=FILTER_PARAMETERS,
        summary="List audit events",
        description="Your organization's audit trail, newest first, by cursor page (org admins).",
    ),
)
class AuditEventViewSet(viewsets.GenericViewSet):
    permission_classes = [OrganizationRole]
    required_roles = (Role.ORG_ADMIN,)
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    # Only for schema generation; requests always go through the organization-scoped selector.
    queryset = AuditEvent.objects.none()
    pagination_ordering = ("-occurred_at", "-id")

    def list(self, request: Request) -> Response:
        organization = request_organization(request)
        page = self.paginate_queryset(
            audit_event_list(organization=organization, filters=request.query_params)
        )
        audit_read(
            request,
            AuditObject.AUDIT_EVENT,
            detail={"filters": audit_filters_used(request.query_params), "rows": len(page)},
        )
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)

    @extend_schema(
        summary="Export audit events as CSV",
        description=(
            "The events the same filters select, newest first, as one streamed CSV file (no "
            "pages). Cells the caller typed that a spreadsheet would run as a formula start "
            "with `'`. Writes an `export` audit event."
        ),
        filters=True,
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def export(self, request: Request) -> StreamingHttpResponse:
        organization = request_organization(request)
        events = audit_event_list(organization=organization, filters=request.query_params)
        client = request.query_params.get("client")
        audit_record(
            actor=request.user,
            organization=organization,
            action=AuditAction.EXPORT,
            object_type=AuditObject.AUDIT_EVENT,
            credential=request_credential(request),
            client_ids=[parse_id(client)] if client else [],  # valid: the filters checked it
            detail={"filters": audit_filters_used(request.query_params), "rows": events.count()},
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="audit-{organization.slug}-{stamp}.csv"'
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON in the common shape even when the caller asked for text/csv.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
