from rest_framework import serializers

from clients.api.strict import StrictFieldsMixin
from config.fields import ChoiceField
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, WebhookEndpoint
from outbox.events import EventType

SERVER_OWNED = (
    "id",
    "disabled_reason",
    "disabled_at",
    "failure_streak",
    "created_at",
    "updated_at",
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=ChoiceField(EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_reason",
            "disabled_at",
            "failure_streak",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class CreatedWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The signing secret (whsec_...), shown this once: store it now. Verify "
        "deliveries with any Standard Webhooks library. Null in a replay of an "
        "Idempotency-Key: the secret is not kept with the response, so delete that endpoint "
        "and register it again if the first answer was lost.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class WebhookEndpointInputSerializer(StrictFieldsMixin, serializers.Serializer):
    server_owned_fields = SERVER_OWNED

    url = serializers.CharField(
        max_length=2000,
        help_text="Where deliveries are POSTed: https only (in production), a public address.",
    )
    event_types = serializers.ListField(
        child=ChoiceField(EventType.choices), min_length=1, max_length=20
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False,
        help_text="false stops deliveries; true re-enables an endpoint disabled after failures.",
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ("number", "attempted_at", "succeeded", "status_code", "latency_ms", "error")
        read_only_fields = fields


class DeliveryEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = ChoiceField(EventType.choices)
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(
        source="message_id", help_text="The webhook-id header: the same on every attempt."
    )
    endpoint = serializers.IntegerField(source="endpoint_id")
    event = DeliveryEventSerializer()
    status = ChoiceField(DeliveryStatus.choices)
    attempt_log = DeliveryAttemptSerializer(many=True)

    class Meta:
        model = Delivery
        fields = (
            "id",
            "webhook_id",
            "endpoint",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "retry_until",
            "delivered_at",
            "last_status_code",
            "last_latency_ms",
            "last_error",
            "created_at",
            "attempt_log",
        )
        read_only_fields = fields
