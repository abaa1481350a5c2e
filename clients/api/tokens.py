from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clients.api.strict import StrictFieldsMixin
from clients.models import ApiToken, Role, User
from clients.permissions import OrganizationRole, request_organization
from clients.selectors import api_token_list, own_api_token_list
from clients.services.tokens import ISSUED_BY_THE_PERSON, token_issue, token_revoke
from config.idempotency import idempotent
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


class OwnApiTokenIssueSerializer(StrictFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    days = serializers.IntegerField(min_value=1, max_value=730, required=False)


class ApiTokenIssueSerializer(OwnApiTokenIssueSerializer):
    user = serializers.CharField(
        max_length=150,
        help_text="Username of an integration client (a machine member) of your organization. "
        "A person's token is issued by that person (POST /api/v1/me/tokens/).",
    )


class IssuedApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Shown once; store it now. Null in a replay of an Idempotency-Key: the secret "
        "is not kept, so revoke that token and issue another if the first answer was lost.",
    )

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
        description="Issue a bearer token to an integration client (a machine member) of your "
        "organization (org admins). Not to a person: a person issues their own "
        "(`POST /api/v1/me/tokens/` from a signed-in session, or `manage.py issue_token`), so no "
        "one reads client records as someone else. Unknown fields are a 400 naming them. The "
        "response shows the secret `token` once; only its digest is stored.",
    ),
    revoke=extend_schema(
        summary="Revoke an API token",
        description="Revoke a token at once: requests with it answer 401 from then on. The "
        "token stays listed, with when it was revoked.",
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Organization admins issue their integration clients' credentials and revoke any member's."""

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
    @idempotent(secrets=("token",))
    def create(self, request: Request) -> Response:
        params = ApiTokenIssueSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        organization = request_organization(request)
        user = User.objects.filter(
            username=params.validated_data["user"], membership__organization=organization
        ).first()
        if user is None:
            raise serializers.ValidationError({"user": ["No member of your organization has it."]})
        if user.membership.role != Role.INTEGRATION:
            # The service allows a person's own token (actor == user); this route is for
            # integration clients only, so a token cannot renew itself here either.
            raise serializers.ValidationError({"user": [ISSUED_BY_THE_PERSON]})
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


@extend_schema_view(
    get=extend_schema(
        summary="List my API tokens",
        description="Your own API tokens: name, prefix, expiry, revocation, last use. Never the "
        "secret.",
        operation_id="me_tokens_list",
    ),
)
class OwnApiTokenView(generics.ListAPIView):
    """A person's own tokens; they issue one from a signed-in session (the console)."""

    serializer_class = ApiTokenSerializer
    # Issuing is rate-limited like the org admins' route (config.throttling, settings).
    throttle_scope = "tokens"
    # Only for schema generation; requests always go through the caller's own selector.
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return own_api_token_list(user=self.request.user)

    @extend_schema(
        summary="Issue my own API token",
        description="Issue a bearer token for yourself, from a signed-in session (the console): "
        "not with a bearer token, so a leaked token cannot renew itself (403). Any member may; "
        "org admins list and revoke every member's tokens. The response shows the secret "
        "`token` once; only its digest is stored. Unknown fields are a 400 naming them.",
        request=OwnApiTokenIssueSerializer,
        responses={201: IssuedApiTokenSerializer},
        operation_id="me_tokens_create",
    )
    @idempotent(secrets=("token",))
    def post(self, request: Request) -> Response:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise exceptions.PermissionDenied(
                "Issue your own token from a signed-in session (the console), not with a token."
            )
        params = OwnApiTokenIssueSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        token, raw = token_issue(
            user=request.user,
            actor=request.user,
            name=params.validated_data["name"],
            days=params.validated_data.get("days"),
        )
        token.token = raw
        return Response(IssuedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)
