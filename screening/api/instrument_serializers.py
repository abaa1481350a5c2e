from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.strict import StrictFieldsMixin
from screening.models import Instrument, InstrumentVersion


@extend_schema_field(
    {"type": "object", "additionalProperties": True, "description": "See docs/instrument-format.md"}
)
class DefinitionField(serializers.JSONField):
    default_error_messages = {"not_object": "A definition is a JSON object."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_object")
        return value


class InstrumentVersionSummarySerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.code", read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = (
            "instrument",
            "version",
            "status",
            "checksum",
            "created_at",
            "published_at",
            "retired_at",
        )
        read_only_fields = fields


class InstrumentVersionSerializer(InstrumentVersionSummarySerializer):
    definition = DefinitionField(read_only=True)

    class Meta(InstrumentVersionSummarySerializer.Meta):
        fields = (*InstrumentVersionSummarySerializer.Meta.fields, "definition")
        read_only_fields = fields


class InstrumentSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField(
        help_text="The newest published version; new screenings use it by default."
    )
    validated = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ("code", "title", "latest_version", "validated", "citation", "licence")
        read_only_fields = fields

    def _definition(self, instrument: Instrument) -> dict:
        latest = self.context["latest"].get(instrument.code)
        return latest.definition if latest else {}

    @extend_schema_field(OpenApiTypes.STR)
    def get_latest_version(self, instrument: Instrument) -> str | None:
        latest = self.context["latest"].get(instrument.code)
        return latest.version if latest else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_validated(self, instrument: Instrument) -> bool | None:
        return self._definition(instrument).get("validated")

    @extend_schema_field(OpenApiTypes.STR)
    def get_citation(self, instrument: Instrument) -> str | None:
        return self._definition(instrument).get("citation")

    @extend_schema_field(OpenApiTypes.STR)
    def get_licence(self, instrument: Instrument) -> str | None:
        return self._definition(instrument).get("licence")


class DefinitionInputSerializer(serializers.Serializer):
    definition = DefinitionField()


class VersionCreateSerializer(serializers.Serializer):
    definition = DefinitionField(
        required=False, help_text="Omit to start from a copy of the newest version."
    )
    version = serializers.CharField(max_length=40, required=False)


class AnswerSerializer(StrictFieldsMixin, serializers.Serializer):
    link_id = serializers.CharField(max_length=64)
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="The option's numeric value, or true/false; null clears a saved answer.",
    )
    code = serializers.CharField(max_length=64, required=False, help_text="The option's code.")


class ScorePreviewSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = AnswerSerializer(many=True, max_length=500)


class ScoreResultSerializer(serializers.Serializer):
    """The engine's result: scales with scores and bands, and the flags rules would raise."""

    instrument = serializers.CharField()
    version = serializers.CharField()
    result = serializers.JSONField()
