from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.strict import StrictFieldsMixin
from config.fields import NumberField, plain_number
from screening import engine
from screening.compiled import compiled_version, version_definition
from screening.engine.labels import VERSION_LABEL_MESSAGE, is_version_label
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
    url = serializers.SerializerMethodField(
        help_text="This instrument: its latest published version's items, options, scales, bands."
    )
    latest_version = serializers.SerializerMethodField(
        help_text="The newest published version; new screenings use it by default."
    )
    validated = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ("code", "url", "title", "latest_version", "validated", "citation", "licence")
        read_only_fields = fields

    def _absolute(self, name: str, **kwargs: str) -> str:
        path = reverse(name, kwargs=kwargs)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, instrument: Instrument) -> str:
        return self._absolute("instrument-detail", code=instrument.code)

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


class OptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="The published wording of the answer.")
    value = NumberField(help_text="What to send as an answer's `value`.")


class ItemSerializer(serializers.Serializer):
    link_id = serializers.CharField(help_text="What to send as an answer's `link_id`.")
    text = serializers.CharField(help_text="The published wording of the question.")
    type = serializers.CharField(help_text="`choice` (one of `options`) or `boolean`.")
    required = serializers.BooleanField(help_text="Must be answered to submit.")
    critical = serializers.BooleanField(
        help_text="A positive answer raises an urgent flag as soon as it is saved."
    )
    options = OptionSerializer(many=True)


class ScaleBandSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    min = NumberField()
    max = NumberField()
    interpretation = serializers.CharField(allow_null=True)


class ScaleSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    method = serializers.CharField(help_text="`sum`, `mean` or `count`.")
    items = serializers.ListField(child=serializers.CharField(), help_text="Link ids it scores.")
    reverse_items = serializers.SerializerMethodField(help_text="Reverse-scored items.")
    min = serializers.SerializerMethodField(help_text="Lowest possible score.")
    max = serializers.SerializerMethodField(help_text="Highest possible score.")
    missing_rule = serializers.CharField(help_text="`refuse` or `prorate` missing answers.")
    bands_provisional = serializers.BooleanField(
        help_text="True when the cut-offs are not validated (our own inventory)."
    )
    bands = ScaleBandSerializer(many=True)

    def get_reverse_items(self, scale: engine.CompiledScale) -> list[str]:
        return [link_id for link_id in scale.items if link_id in scale.reverse_items]

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_min(self, scale: engine.CompiledScale) -> int | float:
        return plain_number(scale.range[0])

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_max(self, scale: engine.CompiledScale) -> int | float:
        return plain_number(scale.range[1])


class PublishedVersionSerializer(serializers.Serializer):
    """What a caller needs to run a screening with the version: its questions and scoring."""

    version = serializers.CharField()
    url = serializers.URLField(help_text="The version with its full definition.")
    instructions = serializers.CharField(allow_null=True)
    items = ItemSerializer(many=True)
    scales = ScaleSerializer(many=True)


class InstrumentDetailSerializer(InstrumentSerializer):
    latest = serializers.SerializerMethodField(
        help_text="The latest published version's items, options, scales and bands; null when "
        "none is published."
    )
    versions_url = serializers.SerializerMethodField()
    score_preview_url = serializers.SerializerMethodField(
        help_text="POST answers here to see the scores and flags without saving anything."
    )
    screenings_url = serializers.SerializerMethodField(
        help_text='POST {"client", "instrument": code, "mode", "answers", "submit"} here to '
        "screen a client."
    )

    class Meta(InstrumentSerializer.Meta):
        fields = (
            *InstrumentSerializer.Meta.fields,
            "latest",
            "versions_url",
            "score_preview_url",
            "screenings_url",
        )
        read_only_fields = fields

    @extend_schema_field(PublishedVersionSerializer(allow_null=True))
    def get_latest(self, instrument: Instrument) -> dict[str, Any] | None:
        latest = self.context["latest"].get(instrument.code)
        if latest is None:
            return None
        compiled = compiled_version(latest)
        content = {
            "version": latest.version,
            "url": self._absolute(
                "instrument-version-detail", code=instrument.code, version=latest.version
            ),
            "instructions": version_definition(latest).get("instructions"),
            "items": compiled.items,
            "scales": compiled.scales,
        }
        return PublishedVersionSerializer(content).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_versions_url(self, instrument: Instrument) -> str:
        return self._absolute("instrument-version-list", code=instrument.code)

    @extend_schema_field(OpenApiTypes.URI)
    def get_score_preview_url(self, instrument: Instrument) -> str:
        return self._absolute("instrument-score-preview", code=instrument.code)

    @extend_schema_field(OpenApiTypes.URI)
    def get_screenings_url(self, instrument: Instrument) -> str:
        return self._absolute("screening-list")


class DefinitionInputSerializer(serializers.Serializer):
    definition = DefinitionField()


class VersionCreateSerializer(serializers.Serializer):
    definition = DefinitionField(
        required=False, help_text="Omit to start from a copy of the newest version."
    )
    version = serializers.CharField(
        max_length=40,
        required=False,
        help_text="The new draft's label, semver-like (1.1.0, 2.0, 1.1.0-rc.1); omit for the "
        "next one after the newest version's.",
    )

    def validate_version(self, value: str) -> str:
        # The same rule as the definition's own `version` (the engine's), checked here too so
        # the error names the field the caller sent.
        if not is_version_label(value):
            raise serializers.ValidationError(
                VERSION_LABEL_MESSAGE[0].upper() + VERSION_LABEL_MESSAGE[1:] + "."
            )
        return value


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
