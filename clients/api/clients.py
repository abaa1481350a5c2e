"""Client records: `/api/v1/clients/`. Every read and write leaves an audit event."""

import datetime
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from clients.access import AuditObject, audit_read
from clients.api.strict import StrictFieldsMixin
from clients.models import AdministrativeSex, Client, Organization, Role, User
from clients.permissions import OrganizationRole, request_organization
from clients.selectors import ClientFilter, client_get, client_list
from clients.services.clients import client_create, client_update
from config.fields import ChoiceField
from config.idempotency import idempotent
from config.ids import ID_CONVERTER, MAX_ID

# RFC 3986 scheme, then anything without spaces or "|" (which separates system from value in
# `?identifier=system|value`): "https://ehr.example.org/mrn", "urn:oid:2.16.840.1.113883.4.1".
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s|]+$")
MAX_IDENTIFIERS = 20
MAX_CARE_TEAM = 50


class BlankAsNullMixin:
    """Not recorded: `null` in JSON, "" in the database (Django's convention for text columns)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class OptionalChoiceField(BlankAsNullMixin, ChoiceField):
    pass


class OptionalCharField(BlankAsNullMixin, serializers.CharField):
    pass


def validate_uri(value: str) -> None:
    if not URI.match(value):
        raise serializers.ValidationError(
            'Use an absolute URI, for example "https://ehr.example.org/mrn" or "urn:oid:1.2.3".'
        )


class IdentifierSerializer(StrictFieldsMixin, serializers.Serializer):
    """An identifier another system gives the client (FHIR Identifier), such as an EHR's MRN."""

    system = serializers.CharField(
        max_length=255,
        validators=[validate_uri],
        help_text="URI of the identifier's namespace (FHIR Identifier.system).",
    )
    value = serializers.CharField(
        max_length=255,
        help_text="The identifier; unique within the organization for its system.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH makes every field optional, nested ones too; an identifier is still whole.
        missing = [name for name in ("system", "value") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: ["This field is required."] for name in missing}
            )
        return attrs


class CareTeamMemberSerializer(serializers.ModelSerializer):
    """A clinician on the client's care team."""

    class Meta:
        model = User
        fields = ("id", "username")
        read_only_fields = fields


ADMINISTRATIVE_SEX_HELP = (
    "FHIR AdministrativeGender, for administration only; null when not recorded."
)

PRONOUNS_HELP = 'As the client states them, for example "she/her"; null when not recorded.'


class ClientWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a caller may send. Unknown fields are a 400; server-owned fields are ignored.

    On update, fields left out keep their stored value (PUT still requires the names and birth
    date). `identifiers` and `care_team`, when sent, replace the whole list; send `[]` to clear.
    """

    server_owned_fields = ("id", "organization", "created_at", "updated_at")

    given_name = serializers.CharField(max_length=150)
    family_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField()
    administrative_sex = OptionalChoiceField(
        choices=AdministrativeSex.choices, required=False, help_text=ADMINISTRATIVE_SEX_HELP
    )
    pronouns = OptionalCharField(
        max_length=50, required=False, allow_blank=True, help_text=PRONOUNS_HELP
    )
    active = serializers.BooleanField(
        required=False, help_text="false deactivates the client (there is no delete)."
    )
    identifiers = IdentifierSerializer(
        many=True,
        required=False,
        max_length=MAX_IDENTIFIERS,
        help_text=(
            f"Up to {MAX_IDENTIFIERS}; each system|value unique within your organization. "
            "Replaces the client's identifiers."
        ),
    )
    care_team = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_CARE_TEAM,
        help_text="User ids of clinicians of your organization. Replaces the care team.",
    )

    def validate_birth_date(self, value: datetime.date) -> datetime.date:
        # A day of slack: "today" where the clinic is can be tomorrow in UTC.
        if value > timezone.localdate() + datetime.timedelta(days=1):
            raise serializers.ValidationError("A birth date cannot be in the future.")
        return value


class ClientSerializer(serializers.ModelSerializer):
    """A client record of your organization."""

    administrative_sex = OptionalChoiceField(
        choices=AdministrativeSex.choices, read_only=True, help_text=ADMINISTRATIVE_SEX_HELP
    )
    pronouns = OptionalCharField(read_only=True, help_text=PRONOUNS_HELP)
    # Lists the selectors attach (prefetch `to_attr`): a client shown comes from `client_get`
    # or `client_list`, never straight from a write.
    identifiers = IdentifierSerializer(many=True, read_only=True, source="prefetched_identifiers")
    care_team = CareTeamMemberSerializer(many=True, read_only=True, source="prefetched_care_team")

    class Meta:
        model = Client
        fields = (
            "id",
            "given_name",
            "family_name",
            "birth_date",
            "administrative_sex",
            "pronouns",
            "active",
            "identifiers",
            "care_team",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List clients",
        description="The organization's clients, newest first, by cursor page.",
    ),
    retrieve=extend_schema(
        summary="Read a client",
        description="One client of your organization with identifiers and care team; audited.",
    ),
    create=extend_schema(
        description="Create a client record in your organization, with any EHR identifiers "
        "(unique per system within the organization) and care team.",
    ),
    update=extend_schema(
        description="Replace every writable field of the client; fields left out are cleared.",
    ),
    partial_update=extend_schema(
        description="Change only the fields sent. There is no delete: send `active: false`.",
    ),
)
class ClientViewSet(viewsets.GenericViewSet):
    """Client records of the caller's organization. There is no delete: PATCH `active: false`."""

    permission_classes = [OrganizationRole]
    # Org admins manage credentials and read the audit trail; they have no need for clinical
    # records, so they get none (least privilege).
    required_roles = (Role.CLINICIAN, Role.INTEGRATION)
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    # Only for schema generation; requests always go through the organization-scoped selectors.
    queryset = Client.objects.none()
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404

    def list(self, request: Request) -> Response:
        organization = request_organization(request)
        clients = client_list(organization=organization, filters=request.query_params)
        page = self.paginate_queryset(clients)
        audit_read(
            request,
            AuditObject.CLIENT,
            client_ids=[client.pk for client in page],
            # Which filters, not their values: a searched name or MRN is itself client data.
            detail={"filters": sorted(set(ClientFilter.base_filters) & set(request.query_params))},
        )
        return self.get_paginated_response(ClientSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        organization = request_organization(request)
        client = self._client(organization, pk)
        audit_read(request, AuditObject.CLIENT, client_ids=[client.pk], object_id=client.pk)
        return Response(ClientSerializer(client).data)

    @extend_schema(
        summary="Create a client",
        request=ClientWriteSerializer,
        responses={201: ClientSerializer, 400: OpenApiResponse(description="Invalid input.")},
    )
    @idempotent(client_ids=lambda data: [data["id"]])
    def create(self, request: Request) -> Response:
        params = ClientWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        organization = request_organization(request)
        client = client_create(
            organization=organization, actor=request.user, data=params.validated_data
        )
        client = client_get(organization=organization, pk=client.pk)
        return Response(
            ClientSerializer(client).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("client-detail", args=[client.pk])},
        )

    @extend_schema(
        summary="Replace a client's fields",
        request=ClientWriteSerializer,
        responses={200: ClientSerializer, 400: OpenApiResponse(description="Invalid input.")},
    )
    def update(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(
        summary="Change some of a client's fields",
        request=ClientWriteSerializer,
        responses={200: ClientSerializer, 400: OpenApiResponse(description="Invalid input.")},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        # Look the client up first: another organization's client is a 404 whatever the body.
        client = self._client(request_organization(request), pk)
        params = ClientWriteSerializer(data=request.data, partial=partial)
        params.is_valid(raise_exception=True)
        client = client_update(client=client, actor=request.user, data=params.validated_data)
        client = client_get(organization=client.organization, pk=client.pk)
        return Response(ClientSerializer(client).data)

    def _client(self, organization: Organization, pk: int) -> Client:
        client = client_get(organization=organization, pk=pk)
        if client is None:
            raise NotFound()
        return client
