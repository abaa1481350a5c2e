"""Webhooks over REST (org admins): endpoints, their delivery log, redelivery. Thin."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clients.access import AuditObject, audit_read
from clients.models import Role
from clients.permissions import OrganizationRole, request_organization
from config.idempotency import idempotent
from config.ids import ID_CONVERTER, query_id
from notifications.api.serializers import (
    CreatedWebhookEndpointSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
)
from notifications.models import Delivery, DeliveryStatus, WebhookEndpoint
from notifications.selectors import delivery_get, delivery_list, endpoint_get, endpoint_list
from notifications.services.deliveries import delivery_redeliver
from notifications.services.endpoints import endpoint_create, endpoint_delete, endpoint_update


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints",
        description="The organization's webhook endpoints, newest first. Org admins.",
    ),
    retrieve=extend_schema(
        summary="Read a webhook endpoint",
        description="One endpoint: its URL, event types, and whether it is active (or was "
        "disabled after repeated failures, with the reason).",
    ),
)
class WebhookEndpointViewSet(viewsets.GenericViewSet):
    """Webhook endpoints of the organization: where events are POSTed, signed per Standard
    Webhooks."""

    permission_classes = [OrganizationRole]
    required_roles = (Role.ORG_ADMIN,)
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()  # schema generation only
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404
    pagination_ordering = ("-created_at", "-id")

    def _get(self, pk: int) -> WebhookEndpoint:
        endpoint = endpoint_get(organization=request_organization(self.request), pk=pk)
        if endpoint is None:
            raise Http404
        return endpoint

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(endpoint_list(organization=request_organization(request)))
        audit_read(request, AuditObject.WEBHOOK_ENDPOINT)
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        endpoint = self._get(pk)
        audit_read(request, AuditObject.WEBHOOK_ENDPOINT, object_id=endpoint.pk)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Register a webhook endpoint",
        description="Events of the chosen types are POSTed to the URL, signed per Standard "
        "Webhooks (webhook-id, webhook-timestamp, webhook-signature). The response carries the "
        "signing secret, shown this once. In production the URL must be https and resolve to "
        "a public address.",
        request=WebhookEndpointInputSerializer,
        responses={201: CreatedWebhookEndpointSerializer},
    )
    @idempotent(secrets=("secret",))
    def create(self, request: Request) -> Response:
        params = WebhookEndpointInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        endpoint, secret = endpoint_create(
            organization=request_organization(request),
            actor=request.user,
            url=data["url"],
            event_types=data["event_types"],
            description=data.get("description", ""),
        )
        endpoint.secret = secret
        return Response(
            CreatedWebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a webhook endpoint",
        description="URL, event types, description, or active (true re-enables an endpoint "
        "disabled after repeated failures). The secret does not change.",
        request=WebhookEndpointInputSerializer,
        responses=WebhookEndpointSerializer,
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        params = WebhookEndpointInputSerializer(data=request.data, partial=True)
        params.is_valid(raise_exception=True)
        endpoint = endpoint_update(
            endpoint=self._get(pk), actor=request.user, changes=params.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Remove a webhook endpoint",
        description="Nothing more is sent to it; pending deliveries are cancelled.",
        responses={204: None},
    )
    def destroy(self, request: Request, pk: int) -> Response:
        endpoint_delete(endpoint=self._get(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryViewSet(viewsets.GenericViewSet):
    """The delivery log: every webhook delivery with its attempts (status, latency, error)."""

    permission_classes = [OrganizationRole]
    required_roles = (Role.ORG_ADMIN,)
    serializer_class = WebhookDeliverySerializer
    queryset = Delivery.objects.none()  # schema generation only
    lookup_value_converter = ID_CONVERTER  # config/ids.py: ASCII digits, 64-bit, else 404
    pagination_ordering = ("-id",)

    def _get(self, pk: int) -> Delivery:
        delivery = delivery_get(organization=request_organization(self.request), pk=pk)
        if delivery is None:
            raise Http404
        return delivery

    @extend_schema(
        summary="List webhook deliveries",
        description="Newest first, each with its attempts. Filter by endpoint id and status.",
        parameters=[
            OpenApiParameter("endpoint", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=DeliveryStatus.values),
        ],
    )
    def list(self, request: Request) -> Response:
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in DeliveryStatus.values:
            raise serializers.ValidationError(
                {"status": [f"One of: {', '.join(DeliveryStatus.values)}."]}
            )
        deliveries = delivery_list(
            organization=request_organization(request),
            endpoint_id=query_id(request.query_params, "endpoint"),
            status=wanted,
        )
        page = self.paginate_queryset(deliveries)
        audit_read(request, AuditObject.WEBHOOK_DELIVERY)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Read a webhook delivery",
        description="One delivery with every attempt: when, HTTP status, latency, error.",
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        delivery = self._get(pk)
        audit_read(request, AuditObject.WEBHOOK_DELIVERY, object_id=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data)

    @extend_schema(
        summary="Redeliver a webhook delivery",
        description="Send it again, with the same webhook-id (receivers drop duplicates by "
        "it), retried for another 24 hours if it fails. Its endpoint must be active. Answers "
        "202: the worker sends it.",
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk: int) -> Response:
        delivery = delivery_redeliver(delivery=self._get(pk), actor=request.user)
        fresh = delivery_get(organization=request_organization(request), pk=delivery.pk)
        return Response(WebhookDeliverySerializer(fresh).data, status=status.HTTP_202_ACCEPTED)
