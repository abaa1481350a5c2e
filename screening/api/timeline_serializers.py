from rest_framework import serializers

from config.fields import NumberField
from screening.api.change_serializers import ScaleChangeSerializer
from screening.api.screening_serializers import BandSerializer, ScreeningSerializer


class TrendPointSerializer(serializers.Serializer):
    screening = serializers.IntegerField(source="screening_id")
    date = serializers.DateTimeField()
    score = NumberField(allow_null=True, help_text="Whole scores come as integers.")
    band = BandSerializer(allow_null=True)
    change = NumberField(
        allow_null=True, help_text="Score minus the previous completed score; null for the first."
    )


class TrendSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    scale = serializers.CharField()
    title = serializers.CharField()
    points = TrendPointSerializer(many=True)
    outcome = ScaleChangeSerializer(
        allow_null=True,
        help_text="The latest completed screening against the client's first (baseline) and "
        "previous comparable ones: change, reliable change, response, remission, recovery and the "
        "criteria used (the latest version's). null with fewer than two comparable scores.",
    )


class TimelineSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client.pk")
    screenings = ScreeningSerializer(many=True)
    trends = TrendSerializer(many=True)
