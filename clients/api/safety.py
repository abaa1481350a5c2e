"""GET/PUT/PATCH /api/v1/organization/safety/: the caller's organization's safety settings."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.access import AuditObject, audit_read
from clients.api.strict import StrictFieldsMixin
from clients.models import Role, SafetySettings
from clients.permissions import OrganizationRole, request_organization
from clients.selectors import safety_settings_get
from clients.services.safety import MAX_CRISIS_TEXT, MAX_RECIPIENTS, MINUTES, safety_settings_update


class SafetySettingsSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.slug", read_only=True)

    class Meta:
        model = SafetySettings
        fields = (
            "organization",
            "crisis_text",
            "on_call_emails",
            "escalation_emails",
            "escalation_delay_minutes",
            "escalation_interval_minutes",
            "updated_at",
        )
        read_only_fields = fields


class SafetySettingsInputSerializer(StrictFieldsMixin, serializers.Serializer):
    server_owned_fields = ("organization", "updated_at")

    crisis_text = serializers.CharField(
        max_length=MAX_CRISIS_TEXT,
        help_text="Shown at once to a client who answers a critical item (self-report).",
    )
    on_call_emails = serializers.ListField(
        child=serializers.EmailField(max_length=254),
        max_length=MAX_RECIPIENTS,
        help_text="Told by e-mail the moment an urgent flag is raised.",
    )
    escalation_emails = serializers.ListField(
        child=serializers.EmailField(max_length=254),
        max_length=MAX_RECIPIENTS,
        help_text="Told when an urgent flag is still not acknowledged after the delay, and again "
        "at every interval until a clinician acknowledges it.",
    )
    escalation_delay_minutes = serializers.IntegerField(min_value=MINUTES[0], max_value=MINUTES[1])
    escalation_interval_minutes = serializers.IntegerField(
        min_value=MINUTES[0], max_value=MINUTES[1]
    )


class OrganizationSafetyView(APIView):
    """The organization's safety settings: every member reads them, org admins change them."""

    permission_classes = [OrganizationRole]
    serializer_class = SafetySettingsSerializer

    def get_permissions(self):
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self.required_roles = (Role.ORG_ADMIN,)
        return super().get_permissions()

    @extend_schema(
        operation_id="organization_safety_retrieve",
        summary="Read the organization's safety settings",
        description="Crisis guidance, on-call and escalation contacts and the escalation "
        "timing of the caller's organization (defaults until an org admin changes them).",
    )
    def get(self, request: Request) -> Response:
        organization = request_organization(request)
        settings = safety_settings_get(organization=organization)
        audit_read(request, AuditObject.SAFETY_SETTINGS, object_id=organization.pk)
        return Response(SafetySettingsSerializer(settings).data)

    @extend_schema(
        operation_id="organization_safety_update",
        summary="Replace the organization's safety settings",
        description="Org admins. Every field is required; the change is audited (the names of "
        "the fields changed).",
        request=SafetySettingsInputSerializer,
        responses=SafetySettingsSerializer,
    )
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        operation_id="organization_safety_partial_update",
        summary="Change some of the organization's safety settings",
        description="Org admins. Fields left out keep their value; the change is audited.",
        request=SafetySettingsInputSerializer,
        responses=SafetySettingsSerializer,
    )
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        params = SafetySettingsInputSerializer(data=request.data, partial=partial)
        params.is_valid(raise_exception=True)
        settings = safety_settings_update(
            organization=request_organization(request),
            actor=request.user,
            changes=params.validated_data,
        )
        return Response(SafetySettingsSerializer(settings).data)
