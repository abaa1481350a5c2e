from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clients.models import ApiToken, Role, User
from clients.permissions import OrganizationRole, request_organization
from clients.selectors import api_token_list
from clients.services.tokens import token_issue, token_revoke
from config.ids import ID_CONVERTER


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = ApiToken
        fields = (
            "id",
            "user",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        )
        read_only_fields = fields


class ApiTokenIssueSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text="Username of a member.")
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    days = serializers.IntegerField(min_value=1, max_value=730, required=False)


class IssuedApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List API tokens",
        description="The API tokens of your organization's members (org admins): name, owner, "
        "prefix, expiry and revocation. Never the secret, which only its issue shows.",
    ),
    retrieve=extend_schema(
        summary="Read an API token",
        description="One API token of your organization: its owner, prefix, when it expires and "
        "whether it was revoked. Never the secret.",
    ),
    create=extend_schema(
        summary="Issue an API token",
        description="Issue a bearer token to a member of your organization (org admins). The "
        "response shows the secret `token` once; only its digest is stored.",
    ),
    revoke=extend_schema(
        summary="Revoke an API token",
        description="Revoke a token at once: requests with it answer 401 from then on. The "
        "token stays listed, with when it was revoked.",
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Organization admins issue and revoke the credentials of their organization's members."""

    permission_classes = [OrganizationRole]
    required_roles = (Role.ORG_ADMIN,)
    # Issuing and revoking credentials is rate-limited (config.throttling, settings).
    throttle_scope = "tokens"
    serializer_class = ApiTokenSerializer
    # Only for schema generation; requests always go through the organization-scoped selector.
    queryset = ApiToken.objects.none()
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404

    def get_queryset(self):
        return api_token_list(organization=request_organization(self.request))

    @extend_schema(request=ApiTokenIssueSerializer, responses={201: IssuedApiTokenSerializer})
    def create(self, request: Request) -> Response:
        params = ApiTokenIssueSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        organization = request_organization(request)
        user = User.objects.filter(
            username=params.validated_data["user"], membership__organization=organization
        ).first()
        if user is None:
            raise serializers.ValidationError({"user": ["No member of your organization has it."]})
        token, raw = token_issue(
            user=user,
            actor=request.user,
            name=params.validated_data["name"],
            days=params.validated_data.get("days"),
        )
        token.token = raw
        return Response(IssuedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(self.get_queryset(), pk=pk)
        token = token_revoke(token=token, actor=request.user)
        return Response(ApiTokenSerializer(token).data)
