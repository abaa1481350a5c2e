from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.permissions import request_membership


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True, help_text="Organization slug.")
    is_instrument_admin = serializers.BooleanField()


class MeView(APIView):
    """Who the credentials belong to, and which organization requests act in."""

    @extend_schema(
        summary="Who am I",
        description="Who the credentials belong to: the username, the role and the organization "
        "requests act in (none for a global instrument admin).",
        responses=MeSerializer,
        operation_id="me_retrieve",
    )
    def get(self, request: Request) -> Response:
        membership = request_membership(request)
        return Response(
            MeSerializer(
                {
                    "username": request.user.get_username(),
                    "role": membership.role if membership else None,
                    "organization": membership.organization.slug if membership else None,
                    "is_instrument_admin": request.user.is_instrument_admin,
                }
            ).data
        )
